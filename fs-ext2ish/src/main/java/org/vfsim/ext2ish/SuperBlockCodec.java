package org.vfsim.ext2ish;

import org.vfsim.syscall.Errno;

/**
 * {@code struct ext2_super_block} (1024 bytes at byte 1024 of the device) and {@code struct
 * ext2_group_desc} (32 bytes each, in the blocks after the superblock's): encoded from and
 * decoded into the in-core state. Field offsets are listed in package-info.
 */
final class SuperBlockCodec {
  static final int MAGIC = 0xEF53;
  static final int SUPER_OFFSET = 1024;
  static final int SUPER_SIZE = 1024;
  /** EXT2_FEATURE_COMPAT_*: none (no dir_index, ext_attr, resize_inode). */
  static final int COMPAT = 0;
  /** EXT2_FEATURE_INCOMPAT_FILETYPE: directory entries carry the file type. */
  static final int INCOMPAT_FILETYPE = 0x0002;
  /** EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | LARGE_FILE. */
  static final int RO_COMPAT_SPARSE_SUPER = 0x0001;
  static final int RO_COMPAT_LARGE_FILE = 0x0002;
  static final int RO_COMPAT = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE;
  /** EXT4_FEATURE_RO_COMPAT_GDT_CSUM (uninit_bg): uninitialised groups, checksummed descriptors. */
  static final int RO_COMPAT_GDT_CSUM = 0x0010;

  private SuperBlockCodec() {}

  /** Writes the superblock at {@code off} of {@code b}; {@code group} is s_block_group_nr. */
  static void encode(FsState s, byte[] b, int off, int group) {
    Geometry g = s.geo;
    SuperFields f = s.sf;
    java.util.Arrays.fill(b, off, off + SUPER_SIZE, (byte) 0);
    Le.put32(b, off, g.inodesCount());
    Le.put32(b, off + 4, g.blocksCount);
    Le.put32(b, off + 8, f.reservedBlocks);
    Le.put32(b, off + 12, s.freeBlocksCount);
    Le.put32(b, off + 16, s.freeInodesCount);
    Le.put32(b, off + 20, g.firstDataBlock);
    int log = Integer.numberOfTrailingZeros(g.blockSize) - 10;
    Le.put32(b, off + 24, log);
    Le.put32(b, off + 28, log);
    Le.put32(b, off + 32, g.blocksPerGroup);
    Le.put32(b, off + 36, g.blocksPerGroup);
    Le.put32(b, off + 40, g.inodesPerGroup);
    Le.put32(b, off + 44, f.mountTime);
    Le.put32(b, off + 48, f.writeTime);
    Le.put16(b, off + 52, f.mountCount);
    Le.put16(b, off + 54, f.maxMountCount);
    Le.put16(b, off + 56, MAGIC);
    Le.put16(b, off + 58, f.state);
    Le.put16(b, off + 60, 1); // s_errors: EXT2_ERRORS_CONTINUE
    Le.put16(b, off + 62, 0); // s_minor_rev_level
    Le.put32(b, off + 64, f.lastCheck);
    Le.put32(b, off + 68, 0); // s_checkinterval: none
    Le.put32(b, off + 72, 0); // s_creator_os: Linux
    Le.put32(b, off + 76, 1); // s_rev_level: EXT2_DYNAMIC_REV
    Le.put16(b, off + 80, 0); // s_def_resuid
    Le.put16(b, off + 82, 0); // s_def_resgid
    Le.put32(b, off + 84, Geometry.FIRST_INO);
    Le.put16(b, off + 88, g.inodeSize);
    Le.put16(b, off + 90, group);
    Le.put32(b, off + 92, COMPAT);
    Le.put32(b, off + 96, INCOMPAT_FILETYPE);
    Le.put32(b, off + 100, RO_COMPAT | (s.uninitBg ? RO_COMPAT_GDT_CSUM : 0));
    System.arraycopy(f.uuid, 0, b, off + 104, 16);
    System.arraycopy(f.volumeName, 0, b, off + 120, 16);
    Le.put32(b, off + 264, f.mkfsTime);
    if (g.inodeSize > Geometry.INODE_SIZE) {
      Le.put16(b, off + 348, InodeCodec.EXTRA_ISIZE); // s_min_extra_isize
      Le.put16(b, off + 350, InodeCodec.EXTRA_ISIZE); // s_want_extra_isize
    }
  }

  /**
   * {@code ext2_fill_super}'s checks and geometry: magic, revision, features, block size and
   * counts in range. Throws EINVAL (no ext2 here) or EUCLEAN (an ext2 superblock ext2ish
   * cannot use) with one line.
   */
  static FsState decode(byte[] b, int off, long deviceBytes) {
    if (Le.u16(b, off + 56) != MAGIC) {
      throw Errno.EINVAL.exception("no ext2 superblock (magic 0xEF53) at byte 1024 (run mkfs)");
    }
    long rev = Le.u32(b, off + 76);
    long log = Le.u32(b, off + 24);
    if (log > 2) {
      throw Errno.EINVAL.exception("ext2: unsupported block size 1024 << " + log);
    }
    int bs = 1024 << log;
    int isize = rev == 0 ? Geometry.INODE_SIZE : Le.u16(b, off + 88);
    if (rev == 1) {
      long incompat = Le.u32(b, off + 96);
      if ((incompat & ~INCOMPAT_FILETYPE) != 0) {
        throw Errno.EINVAL.exception(String.format(
            "ext2: unsupported incompatible features 0x%x (journal, extents?)", incompat));
      }
      long ro = Le.u32(b, off + 100);
      if ((ro & ~(RO_COMPAT | RO_COMPAT_GDT_CSUM)) != 0) {
        throw Errno.EINVAL.exception(String.format(
            "ext2: unsupported read-only features 0x%x", ro));
      }
      if (Le.u32(b, off + 84) != Geometry.FIRST_INO) {
        throw Errno.EINVAL.exception("ext2: s_first_ino " + Le.u32(b, off + 84) + " is not 11");
      }
    } else if (rev != 0) {
      throw Errno.EINVAL.exception("ext2: revision " + rev + " unknown");
    }
    long blocks = Le.u32(b, off + 4);
    long bpg = Le.u32(b, off + 32);
    long ipg = Le.u32(b, off + 40);
    long first = Le.u32(b, off + 20);
    if (isize < Geometry.INODE_SIZE || isize > bs || Integer.bitCount(isize) != 1
        || bpg < 8 || bpg > 8L * bs || ipg < 1 || ipg > 8L * bs
        || first != (bs == 1024 ? 1 : 0) || blocks * bs > deviceBytes || blocks <= first) {
      throw Errno.EUCLEAN.exception(String.format("ext2: insane superblock (blocks %d of %d"
          + " bytes, %d per group, %d inodes per group, inode size %d, first data block %d)",
          blocks, bs, bpg, ipg, isize, first));
    }
    Geometry geo = new Geometry(bs, blocks, (int) bpg, (int) ipg, isize);
    if (geo.blocksCount != blocks || geo.inodesCount() != Le.u32(b, off)) {
      throw Errno.EUCLEAN.exception("ext2: superblock counts disagree with the group layout");
    }
    FsState s = new FsState(geo);
    s.uninitBg = rev == 1 && (Le.u32(b, off + 100) & RO_COMPAT_GDT_CSUM) != 0;
    SuperFields f = s.sf;
    f.reservedBlocks = Le.u32(b, off + 8);
    s.freeBlocksCount = Le.u32(b, off + 12);
    s.freeInodesCount = Le.u32(b, off + 16);
    f.mountTime = Le.u32(b, off + 44);
    f.writeTime = Le.u32(b, off + 48);
    f.mountCount = Le.u16(b, off + 52);
    f.maxMountCount = (short) Le.u16(b, off + 54);
    f.state = Le.u16(b, off + 58);
    f.lastCheck = Le.u32(b, off + 64);
    System.arraycopy(b, off + 104, f.uuid, 0, 16);
    System.arraycopy(b, off + 120, f.volumeName, 0, 16);
    f.mkfsTime = Le.u32(b, off + 264);
    s.valid = (f.state & SuperFields.STATE_VALID) != 0;
    return s;
  }

  static final int DESC_SIZE = Geometry.GROUP_DESC_SIZE;

  /** Encodes the group descriptors that fall in descriptor-table block {@code index}. */
  static void encodeDescriptors(FsState s, byte[] b, int index) {
    Geometry g = s.geo;
    java.util.Arrays.fill(b, (byte) 0);
    int perBlock = g.blockSize / DESC_SIZE;
    for (int i = 0; i < perBlock; i++) {
      int grp = index * perBlock + i;
      if (grp >= g.groups) {
        break;
      }
      int o = i * DESC_SIZE;
      Le.put32(b, o, g.blockBitmap(grp));
      Le.put32(b, o + 4, g.inodeBitmap(grp));
      Le.put32(b, o + 8, g.inodeTable(grp));
      Le.put16(b, o + 12, s.freeBlocks[grp]);
      Le.put16(b, o + 14, s.freeInodes[grp]);
      Le.put16(b, o + 16, s.usedDirs[grp]);
      if (s.uninitBg) {
        Le.put16(b, o + 18, s.flags[grp]);
        Le.put16(b, o + 28, s.itableUnused[grp]);
        Le.put16(b, o + 30, checksum(s, grp, b, o));
      }
    }
  }

  /**
   * bg_checksum: crc16 of the filesystem UUID, the group number (le32) and the descriptor's
   * first 30 bytes, seeded with ~0 ({@code ext2fs_group_desc_csum}).
   */
  static int checksum(FsState s, int grp, byte[] b, int o) {
    int crc = Crc16.update(0xffff, s.sf.uuid, 0, 16);
    byte[] le = new byte[4];
    Le.put32(le, 0, grp);
    crc = Crc16.update(crc, le, 0, 4);
    return Crc16.update(crc, b, o, 30);
  }

  /** Reads the descriptors of descriptor-table block {@code index}, checking their locations. */
  static void decodeDescriptors(FsState s, byte[] b, int index) {
    Geometry g = s.geo;
    int perBlock = g.blockSize / DESC_SIZE;
    for (int i = 0; i < perBlock; i++) {
      int grp = index * perBlock + i;
      if (grp >= g.groups) {
        break;
      }
      int o = i * DESC_SIZE;
      if (Le.u32(b, o) != g.blockBitmap(grp) || Le.u32(b, o + 4) != g.inodeBitmap(grp)
          || Le.u32(b, o + 8) != g.inodeTable(grp)) {
        throw Errno.EUCLEAN.exception(String.format("ext2: group %d's bitmaps or inode table"
            + " (%d, %d, %d) are not where ext2ish lays them out (%d, %d, %d)", grp,
            Le.u32(b, o), Le.u32(b, o + 4), Le.u32(b, o + 8), g.blockBitmap(grp),
            g.inodeBitmap(grp), g.inodeTable(grp)));
      }
      s.freeBlocks[grp] = Le.u16(b, o + 12);
      s.freeInodes[grp] = Le.u16(b, o + 14);
      s.usedDirs[grp] = Le.u16(b, o + 16);
      if (s.uninitBg) {
        if (Le.u16(b, o + 30) != checksum(s, grp, b, o)) {
          throw Errno.EUCLEAN.exception(String.format("ext2: group %d's descriptor checksum"
              + " 0x%04x is wrong (0x%04x)", grp, Le.u16(b, o + 30), checksum(s, grp, b, o)));
        }
        s.flags[grp] = (short) Le.u16(b, o + 18);
        s.itableUnused[grp] = Le.u16(b, o + 28);
      }
    }
  }
}
