package org.vfsim.ext2ish;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/**
 * ext2-like: blocks allocated at write time ({@code write_begin} maps each page's blocks with
 * create), block groups with bitmaps and inode tables, an indirect block map, and per-file
 * reservation windows. No journal: {@code fsync} stores the metadata image, so what fsync or
 * sync made durable survives a power cut.
 */
public final class Ext2ishType implements FileSystemType {
  @Inject
  public Ext2ishType() {}

  @Override
  public String name() {
    return "ext2ish";
  }

  @Override
  public String description() {
    return "ext2-like: blocks allocated at write time, block groups, reservation windows";
  }

  /** No FALLOCATE (ext2 has none), no journal; fsync and sync store the metadata image. */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES,
        Capability.POWER_CUT_DURABILITY);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of(
        OptionSpec.size("size", null, "filesystem size (default: the whole device)"),
        OptionSpec.number("blocksize", null,
            "block size: 1024, 2048 or 4096, a multiple of the device's (default: the device's)"),
        OptionSpec.number("blocks_per_group", null,
            "blocks per group, a multiple of 8 up to 8 * block size (default 8 * block size)"),
        OptionSpec.number("inodes_per_group", null,
            "inodes per group (default: one per 16 KiB, rounded to whole inode table blocks)"));
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(
        OptionSpec.flag("noreservation", "no reservation windows (blocks of files interleave)"),
        OptionSpec.flag("reservation", "reservation windows (the default)"),
        OptionSpec.number("reservation_window", "8",
            "initial reservation window in blocks, at most 1027"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    int bs = options.isSet("blocksize") ? (int) options.number("blocksize") : device.blockSize();
    if (bs != 1024 && bs != 2048 && bs != 4096) {
      throw Errno.EINVAL.exception("blocksize must be 1024, 2048 or 4096: " + bs);
    }
    if (bs % device.blockSize() != 0) {
      throw Errno.EINVAL.exception("blocksize " + bs + " below the device's " + device.blockSize());
    }
    long bytes = options.isSet("size") ? options.size("size") : device.sizeBytes();
    if (bytes > device.sizeBytes()) {
      throw Errno.EINVAL.exception("size " + bytes + " larger than the device");
    }
    long blocks = bytes / bs;
    int bpg = options.isSet("blocks_per_group") ? (int) options.number("blocks_per_group") : 8 * bs;
    if (bpg < 256 || bpg > 8 * bs || bpg % 8 != 0) {
      throw Errno.EINVAL.exception("blocks_per_group must be a multiple of 8 in [256, "
          + 8 * bs + "]: " + bpg);
    }
    int perBlock = bs / Geometry.INODE_SIZE;
    long groupsEstimate = Math.max(1, (blocks + bpg - 1) / bpg);
    int ipg;
    if (options.isSet("inodes_per_group")) {
      ipg = (int) options.number("inodes_per_group");
    } else {
      long perGroupBytes = Math.min((long) bpg, blocks) * bs;
      ipg = (int) Math.max(16, perGroupBytes / 16384);
    }
    ipg = Math.max(perBlock, (ipg + perBlock - 1) / perBlock * perBlock);
    if (ipg > 8 * bs || (groupsEstimate == 1 && ipg < Geometry.FIRST_INO)) {
      throw Errno.EINVAL.exception("inodes_per_group out of range: " + ipg);
    }
    if (blocks < 16) {
      throw Errno.EINVAL.exception("device too small");
    }
    Geometry geo = new Geometry(bs, blocks, bpg, ipg);
    DiskImage img = new DiskImage(geo);
    // The root directory: inode 2 and its first block, as mke2fs writes them.
    // mke2fs stamps the root inode with the time of mkfs.
    InodeRecord root = new InodeRecord(Geometry.ROOT_INO, true, 0755, machine.clock().seconds());
    img.inodes.put(root.ino, root);
    img.usedDirs[0]++;
    MetadataTracker meta = new MetadataTracker(geo, device.blockSize());
    Counters c = new Counters();
    meta.setCounters(c);
    BlockAllocator alloc = new BlockAllocator(machine, device, img, meta, c);
    Task k = machine.kernelTask();
    // mke2fs puts the root directory's block at the first free block of group 0.
    long[] block = alloc.newBlocks(k, geo.groupFirst(0) + geo.overheadOf(0), 1, null);
    root.data[0] = block[0];
    root.blocks = 1;
    root.dirBlockUse.add(InodeRecord.recLen(".") + InodeRecord.recLen(".."));
    root.size = bs;
    meta.writeAll(device);
    device.storeObject(DiskImage.KEY, img);
    device.flush();
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    BlockDevice dev = ctx.device();
    if (dev == null) {
      throw Errno.ENODEV.exception("ext2ish needs a block device");
    }
    DiskImage img = dev.loadObject(DiskImage.KEY);
    if (img == null) {
      throw Errno.EINVAL.exception("no ext2ish filesystem on " + dev.name() + " (run mkfs)");
    }
    if (img.geo.blockSize % dev.blockSize() != 0) {
      throw Errno.EINVAL.exception("block size mismatch");
    }
    img.mounted();
    return new Ext2ishSuperBlock(ctx, img);
  }
}
