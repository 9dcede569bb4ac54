package org.vfsim.ext2ish;

import org.vfsim.syscall.Errno;

/**
 * {@code struct ext2_inode}: 128 bytes (more when s_inode_size is larger; the extra space starts
 * with i_extra_isize). Encoded by {@code ext2_write_inode}'s copy of the in-core inode into its
 * inode table block, decoded by {@code ext2_iget}. Field offsets are listed in package-info.
 */
final class InodeCodec {
  static final int S_IFREG = 0x8000;
  static final int S_IFDIR = 0x4000;
  static final int S_IFMT = 0xF000;
  /** i_extra_isize written in inodes larger than 128 bytes, as mke2fs's default (32). */
  static final int EXTRA_ISIZE = 32;

  private InodeCodec() {}

  /** Encodes {@code rec} (or, with {@code dtime > 0}, a deleted inode) at {@code off}. */
  static void encode(InodeRecord rec, byte[] b, int off, int inodeSize, int blockSize,
      long dtime) {
    java.util.Arrays.fill(b, off, off + inodeSize, (byte) 0);
    Le.put16(b, off, (rec.dir ? S_IFDIR : S_IFREG) | (rec.mode & 07777));
    Le.put16(b, off + 2, rec.uid & 0xffff);
    Le.put32(b, off + 4, rec.size);
    Le.put32(b, off + 8, rec.atimeSec);
    Le.put32(b, off + 12, rec.ctimeSec);
    Le.put32(b, off + 16, rec.mtimeSec);
    Le.put32(b, off + 20, dtime);
    Le.put16(b, off + 24, rec.gid & 0xffff);
    Le.put16(b, off + 26, rec.nlink);
    Le.put32(b, off + 28, rec.blocks * (blockSize / 512));
    for (int i = 0; i < 15; i++) {
      Le.put32(b, off + 40 + 4 * i, rec.data[i]);
    }
    Le.put32(b, off + 100, rec.generation);
    Le.put32(b, off + 108, rec.dir ? 0 : rec.size >>> 32);
    Le.put16(b, off + 116, (int) ((rec.blocks * (blockSize / 512)) >>> 32));
    Le.put16(b, off + 120, rec.uid >>> 16);
    Le.put16(b, off + 122, rec.gid >>> 16);
    if (inodeSize > Geometry.INODE_SIZE) {
      Le.put16(b, off + 128, EXTRA_ISIZE);
    }
  }

  /** i_links_count, i_mode and i_dtime say whether the slot holds a live inode. */
  static boolean inUse(byte[] b, int off) {
    return Le.u16(b, off) != 0 && Le.u32(b, off + 20) == 0;
  }

  static int linksCount(byte[] b, int off) {
    return Le.u16(b, off + 26);
  }

  /** {@code ext2_iget}: a regular file or a directory; other types are refused (EUCLEAN). */
  static InodeRecord decode(long ino, byte[] b, int off, int blockSize) {
    int mode = Le.u16(b, off);
    int type = mode & S_IFMT;
    if (type != S_IFREG && type != S_IFDIR) {
      throw Errno.EUCLEAN.exception(String.format(
          "ext2: inode %d has mode 0%o: ext2ish holds regular files and directories only",
          ino, mode));
    }
    InodeRecord r = new InodeRecord(ino, type == S_IFDIR, mode & 07777, 0);
    r.uid = Le.u16(b, off + 2) | Le.u16(b, off + 120) << 16;
    r.gid = Le.u16(b, off + 24) | Le.u16(b, off + 122) << 16;
    r.size = Le.u32(b, off + 4) | (r.dir ? 0 : Le.u32(b, off + 108) << 32);
    r.atimeSec = Le.u32(b, off + 8);
    r.ctimeSec = Le.u32(b, off + 12);
    r.mtimeSec = Le.u32(b, off + 16);
    r.nlink = Le.u16(b, off + 26);
    long sectors = Le.u32(b, off + 28) | (long) Le.u16(b, off + 116) << 32;
    r.blocks = sectors / (blockSize / 512);
    for (int i = 0; i < 15; i++) {
      r.data[i] = Le.u32(b, off + 40 + 4 * i);
    }
    r.generation = Le.u32(b, off + 100);
    return r;
  }
}
