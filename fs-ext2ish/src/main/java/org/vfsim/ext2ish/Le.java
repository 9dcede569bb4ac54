package org.vfsim.ext2ish;

/** Little-endian field access on a block's bytes: every ext2 on-disk field is little-endian. */
final class Le {
  private Le() {}

  static int u8(byte[] b, int off) {
    return b[off] & 0xff;
  }

  static int u16(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
  }

  static long u32(byte[] b, int off) {
    return (u16(b, off) | (long) u16(b, off + 2) << 16) & 0xffffffffL;
  }

  static void put8(byte[] b, int off, int v) {
    b[off] = (byte) v;
  }

  static void put16(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
  }

  static void put32(byte[] b, int off, long v) {
    put16(b, off, (int) v);
    put16(b, off + 2, (int) (v >>> 16));
  }
}
