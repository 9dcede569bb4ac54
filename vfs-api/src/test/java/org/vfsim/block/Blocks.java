package org.vfsim.block;

import java.util.Arrays;

/** Whole 4 KiB blocks for the block-layer tests: one filled with a byte, one read back. */
final class Blocks {
  static final int BS = 4096;

  private Blocks() {}

  static byte[] block(int value) {
    byte[] b = new byte[BS];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static byte[] read(BlockDevice d, long blk) {
    byte[] out = new byte[BS];
    d.read(blk, out, 0, 1, IoKind.DATA);
    return out;
  }
}
