package org.vfsim.ext2ish;

/**
 * The CRC16 of the kernel's {@code lib/crc16.c} (polynomial 0x8005, bit-reflected, no final
 * inversion): what uninit_bg's group descriptor checksum is made of.
 */
final class Crc16 {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0xA001 : c >>> 1;
      }
      TABLE[i] = c;
    }
  }

  private Crc16() {}

  static int update(int crc, byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      crc = (crc >>> 8) ^ TABLE[(crc ^ b[i]) & 0xff];
    }
    return crc & 0xffff;
  }
}
