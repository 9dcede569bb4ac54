package org.vfsim.btrfsish;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.FileType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.SuperBlock;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;

/** btrfs-like: copy-on-write with data-space reservation */
public final class BtrfsishType implements FileSystemType {
  @Inject
  public BtrfsishType() {}

  @Override
  public String name() {
    return "btrfsish";
  }

  @Override
  public String description() {
    return "btrfs-like: copy-on-write with data-space reservation";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES, Capability.FALLOCATE,
        Capability.PUNCH_HOLE, Capability.ZERO_RANGE, Capability.UNWRITTEN_EXTENTS,
        Capability.REFLINK, Capability.PERFORM_WRITE, Capability.POWER_CUT_DURABILITY,
        Capability.DATA_CHECKSUMS);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of(
        OptionSpec.size("size", null, "filesystem size (default: the whole device)"),
        OptionSpec.size("sectorsize", "4k", "data block size; must equal the page size, as "
            + "btrfs required before subpage support"),
        OptionSpec.size("nodesize", "16k", "tree node size"));
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(
        OptionSpec.flag("nodatacow", "new files overwrite unshared extents in place (and "
            + "carry no data checksums)"),
        OptionSpec.number("commit", "30", "seconds between transaction commits"),
        OptionSpec.number("max_chunk_pages", "1", "pages per space reservation in "
            + "perform_write (N>1 is the 2010 multi-page behaviour)"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    long size = options.size("size");
    if (size < 0) {
      size = device.sizeBytes();
    }
    long sectorSize = options.size("sectorsize");
    long nodeSize = options.size("nodesize");
    if (sectorSize != Folio.SIZE) {
      throw Errno.EINVAL.exception("sectorsize " + sectorSize + " != page size " + Folio.SIZE);
    }
    if (sectorSize % device.blockSize() != 0) {
      throw Errno.EINVAL.exception("sectorsize smaller than the device block size");
    }
    if (nodeSize < sectorSize || nodeSize > 65536 || nodeSize % sectorSize != 0
        || Long.bitCount(nodeSize) != 1) {
      throw Errno.EINVAL.exception("nodesize " + nodeSize + " invalid");
    }
    if (size > device.sizeBytes()) {
      throw Errno.EINVAL.exception("size " + size + " larger than the device");
    }
    size = size / sectorSize * sectorSize;
    // The superblock sits at 64 KiB as in btrfs; the first MiB (less on small devices) is kept.
    long superBytenr = 64 * 1024;
    long reserved = Math.max(superBytenr + sectorSize, Math.min(1L << 20, size / 16));
    reserved = (reserved + nodeSize - 1) / nodeSize * nodeSize;
    long metaBytes = Math.max(8 * nodeSize, size / 8 / nodeSize * nodeSize);
    long dataStart = reserved + metaBytes;
    if (size < 1L << 20 || dataStart + 16 * sectorSize > size) {
      throw Errno.EINVAL.exception("btrfsish: device too small: " + size + " bytes");
    }
    Layout layout = new Layout(size, (int) sectorSize, (int) nodeSize, superBytenr, reserved,
        metaBytes, dataStart, size - dataStart);
    InodeItem dir = new InodeItem(BtrfsFs.FIRST_FREE_INO, FileType.DIRECTORY);
    dir.mode = 0755;
    dir.nlink = 2;
    // mkfs stamps the root directory with the current time, as mkfs.btrfs does.
    dir.atime = dir.mtime = dir.ctime = machine.clock().nanoTime();
    // Generation 1: a root tree naming empty extent and csum trees and an fs tree holding the
    // root directory, written, then the superblocks.
    DiskIo io = new DiskIo(device, layout, new SpaceInfo("metadata", metaBytes), 1);
    io.initFree(java.util.Set.of());
    Ctree fsTree = Ctree.create(io, Key.FS_TREE);
    fsTree.put(new Key(dir.ino, Key.INODE_ITEM, 0), Items.inode(dir));
    Ctree extentTree = Ctree.create(io, Key.EXTENT_TREE);
    Ctree csumTree = Ctree.create(io, Key.CSUM_TREE);
    Ctree rootTree = Ctree.create(io, Key.ROOT_TREE);
    rootTree.put(new Key(Key.EXTENT_TREE, Key.ROOT_ITEM, 0), Items.root(extentTree.root));
    rootTree.put(new Key(Key.FS_TREE, Key.ROOT_ITEM, 0), Items.root(fsTree.root));
    rootTree.put(new Key(Key.CSUM_TREE, Key.ROOT_ITEM, 0), Items.root(csumTree.root));
    List<ExtentBuffer> nodes = new java.util.ArrayList<>();
    for (Ctree t : List.of(rootTree, extentTree, fsTree, csumTree)) {
      t.dirtyNodes(nodes);
    }
    io.writeNodes(nodes);
    io.writeSupers(new DiskSuper(1, rootTree.root.bytenr, 0, 0, 0, 0, layout));
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    BlockDevice device = ctx.device();
    if (device == null) {
      throw Errno.ENODEV.exception("btrfsish needs a block device");
    }
    DiskSuper sb = DiskIo.readSuper(device);
    if (sb == null) {
      throw Errno.EINVAL.exception("no btrfsish filesystem on " + device.name());
    }
    // The type is one instance shared by every machine: it keeps nothing per mount (a mount
    // replaced by a power cut retires itself, see Transaction.periodicCommit).
    return new BtrfsFs(ctx, sb);
  }
}
