package org.vfsim.ext2ish;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.SuperBlock;
import org.vfsim.syscall.Errno;

/**
 * ext2-like: blocks allocated at write time ({@code write_begin} maps each page's blocks with
 * create), block groups with bitmaps and inode tables, an indirect block map, and per-file
 * reservation windows, all on the device in the ext2 revision 1 format (e2fsprogs and the
 * Linux kernel read it). No journal: metadata is written in place at fsync, sync and unmount;
 * a mount after a power cut repairs what {@code e2fsck -p} would.
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

  /** No FALLOCATE (ext2 has none), no journal; fsync and sync write the metadata in place. */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES,
        Capability.POWER_CUT_DURABILITY);
  }

  /** The filesystem size from which mkfs turns uninit_bg on by default: 4 TiB. */
  static final long UNINIT_BG_FROM = 4L << 40;

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of(
        OptionSpec.size("size", null, "filesystem size (default: the whole device)"),
        OptionSpec.number("blocksize", null,
            "block size: 1024, 2048 or 4096 (default: the device's, at most 4096)"),
        OptionSpec.number("b", null, "mkfs.ext2 -b: the block size (as blocksize)"),
        OptionSpec.number("blocks_per_group", null,
            "blocks per group, a multiple of 8 up to 8 * block size (default 8 * block size)"),
        OptionSpec.number("inodes_per_group", null,
            "inodes per group (default: one per 16 KiB, rounded to whole inode table blocks)"),
        OptionSpec.number("N", null, "mkfs.ext2 -N: at least this many inodes in all"),
        OptionSpec.number("I", null,
            "mkfs.ext2 -I: inode size, 128 or a larger power of two up to the block size"),
        OptionSpec.number("m", null,
            "mkfs.ext2 -m: percentage of blocks reserved for root, 0 to 50 (default 0)"),
        OptionSpec.number("uninit_bg", null, "1: groups start uninitialised (no bitmaps"
            + " written until used, checksummed descriptors; e2fsprogs' -O uninit_bg); 0: every"
            + " group's bitmaps written (default: 1 from 4 TiB on)"));
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(
        OptionSpec.flag("noreservation", "no reservation windows (blocks of files interleave)"),
        OptionSpec.flag("reservation", "reservation windows (the default)"),
        OptionSpec.number("reservation_window", "8",
            "initial reservation window in blocks, at most 1027"),
        OptionSpec.text("policy", AllocationPolicies.DEFAULT, "where new blocks go: default "
            + "(ext2's goal and reservation windows), firstfit, bestfit, nextfit, or a policy "
            + "a plugin jar adds"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    if (options.isSet("b") && options.isSet("blocksize")) {
      throw Errno.EINVAL.exception("give the block size once (b or blocksize)");
    }
    int bs = options.isSet("b") ? (int) options.number("b")
        : options.isSet("blocksize") ? (int) options.number("blocksize") : device.blockSize();
    if (bs != 1024 && bs != 2048 && bs != 4096) {
      throw Errno.EINVAL.exception("invalid block size " + bs + ": ext2ish takes 1024, 2048"
          + " or 4096 (ext2 itself allows up to 65536, but not above the 4096-byte page)");
    }
    if (bs < device.blockSize() && device.blockSize() % bs != 0) {
      throw Errno.EINVAL.exception("block size " + bs + " does not divide the device's "
          + device.blockSize() + "-byte sectors");
    }
    long bytes = options.isSet("size") ? options.size("size") : device.sizeBytes();
    if (bytes > device.sizeBytes()) {
      throw Errno.EINVAL.exception("size " + bytes + " larger than the device");
    }
    long blocks = bytes / bs;
    if (blocks > 0xFFFFFFFFL) {
      // mke2fs's refusal: ext2 has no 64bit feature, s_blocks_count is 32 bits.
      throw Errno.EFBIG.exception(String.format("size of device (0x%x blocks) too big to be"
          + " expressed in 32 bits using a blocksize of %d (at most %d bytes%s)", blocks, bs,
          0xFFFFFFFFL * bs, bs < 4096 ? "; a larger block size allows more" : ""));
    }
    int bpg = options.isSet("blocks_per_group") ? (int) options.number("blocks_per_group") : 8 * bs;
    if (bpg < 256 || bpg > 8 * bs || bpg % 8 != 0) {
      throw Errno.EINVAL.exception("blocks_per_group must be a multiple of 8 in [256, "
          + 8 * bs + "]: " + bpg);
    }
    int isize = options.isSet("I") ? (int) options.number("I") : Geometry.INODE_SIZE;
    if (isize < Geometry.INODE_SIZE || isize > bs || Integer.bitCount(isize) != 1) {
      throw Errno.EINVAL.exception("invalid inode size " + isize + " (min 128, max " + bs
          + ", a power of two)");
    }
    long reservedPct = options.isSet("m") ? options.number("m") : 0;
    if (reservedPct < 0 || reservedPct > 50) {
      throw Errno.EINVAL.exception("invalid reserved blocks percent - " + reservedPct
          + " (0 to 50)");
    }
    if (options.isSet("N") && options.isSet("inodes_per_group")) {
      throw Errno.EINVAL.exception("give N or inodes_per_group, not both");
    }
    int perBlock = bs / isize;
    long groupsEstimate = Math.max(1, (blocks + bpg - 1) / bpg);
    long ipgWanted;
    if (options.isSet("inodes_per_group")) {
      ipgWanted = options.number("inodes_per_group");
    } else if (options.isSet("N")) {
      long n = options.number("N");
      if (n < Geometry.FIRST_INO || n > 0xFFFFFFFFL) {
        throw Errno.EINVAL.exception("invalid inode count " + n);
      }
      ipgWanted = (n + groupsEstimate - 1) / groupsEstimate;
    } else {
      long perGroupBytes = Math.min((long) bpg, blocks) * bs;
      ipgWanted = Math.max(16, perGroupBytes / 16384);
    }
    long ipgL = Math.max(perBlock, (ipgWanted + perBlock - 1) / perBlock * perBlock);
    if (ipgL > 8L * bs || (groupsEstimate == 1 && ipgL < Geometry.FIRST_INO)) {
      throw Errno.EINVAL.exception("inode count out of range: " + ipgL + " inodes per group"
          + " (at most " + 8 * bs + ", the bits of one inode bitmap block)");
    }
    int ipg = (int) ipgL;
    if (blocks < 16) {
      throw Errno.EINVAL.exception("device too small");
    }
    Geometry geo = new Geometry(bs, blocks, bpg, ipg, isize);
    // uninit_bg (ext4's RO_COMPAT_GDT_CSUM, which e2fsprogs also allows on ext2): by default
    // from 4 TiB on (mke2fs's "big" and "huge" sizes), where every group's bitmaps would be
    // 256 MiB and more of blocks that mke2fs must write.
    boolean uninitBg = options.isSet("uninit_bg") ? options.number("uninit_bg") != 0
        : geo.blocksCount * bs >= UNINIT_BG_FROM;
    Mkfs.format(machine, device, geo, reservedPct, uninitBg);
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    BlockDevice dev = ctx.device();
    if (dev == null) {
      throw Errno.ENODEV.exception("ext2ish needs a block device");
    }
    FsState probe = MountReader.readSuper(dev);
    BufferCache cache = new BufferCache(dev, probe.geo.blockSize, MountReader.CACHE_BUFFERS);
    FsState img = MountReader.read(dev, cache);
    return new Ext2ishSuperBlock(ctx, img, cache);
  }
}
