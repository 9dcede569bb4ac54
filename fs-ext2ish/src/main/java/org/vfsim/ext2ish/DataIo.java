package org.vfsim.ext2ish;

import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.block.RequestFlag;

/**
 * File data I/O in filesystem blocks. A filesystem block is one or more device blocks, or,
 * with 1 or 2 KiB blocks on a 4 KiB-sector device, a part of one: then a write reads the
 * device blocks it partly covers and writes them whole (read-modify-write, as a 512e drive
 * does inside), and a discard of a partial device block writes zeros instead.
 */
final class DataIo {
  private static final RequestFlag[] NONE = new RequestFlag[0];
  private final BlockDevice dev;
  private final int bs;
  private final int dbs;

  DataIo(BlockDevice dev, int blockSize) {
    this.dev = dev;
    this.bs = blockSize;
    this.dbs = dev.blockSize();
  }

  void read(long block, byte[] dst, int off) {
    if (bs >= dbs) {
      dev.read(block * (bs / dbs), dst, off, bs / dbs, IoKind.DATA);
      return;
    }
    long at = block * bs;
    byte[] b = new byte[dbs];
    dev.read(at / dbs, b, 0, 1, IoKind.DATA);
    System.arraycopy(b, (int) (at % dbs), dst, off, bs);
  }

  /** Writes {@code n} filesystem blocks from {@code block} as one request. */
  void write(long block, byte[] src, int off, int n) {
    if (bs >= dbs) {
      dev.write(block * (bs / dbs), src, off, n * (bs / dbs), IoKind.DATA, NONE);
      return;
    }
    long from = block * bs;
    long to = from + (long) n * bs;
    long first = from / dbs;
    int count = (int) ((to + dbs - 1) / dbs - first);
    byte[] buf = new byte[count * dbs];
    if (from % dbs != 0) {
      dev.read(first, buf, 0, 1, IoKind.DATA);
    }
    if (to % dbs != 0 && (count > 1 || from % dbs == 0)) {
      dev.read(first + count - 1, buf, (count - 1) * dbs, 1, IoKind.DATA);
    }
    System.arraycopy(src, off, buf, (int) (from - first * dbs), n * bs);
    dev.write(first, buf, 0, count, IoKind.DATA, NONE);
  }

  /** Forgets the content of {@code n} blocks from {@code block}: they read as zeros after. */
  void discard(long block, long n) {
    if (bs >= dbs) {
      dev.discard(block * (bs / dbs), n * (bs / dbs));
      return;
    }
    long from = block * bs;
    long to = from + n * bs;
    long firstWhole = (from + dbs - 1) / dbs;
    long endWhole = to / dbs;
    if (endWhole > firstWhole) {
      dev.discard(firstWhole, endWhole - firstWhole);
    }
    // The parts of device blocks shared with other filesystem blocks get zeros written.
    long headEnd = Math.min(to, firstWhole * dbs);
    if (headEnd > from) {
      zero(from, headEnd);
    }
    long tailStart = Math.max(from, endWhole * dbs);
    if (to > tailStart && endWhole >= firstWhole) {
      zero(tailStart, to);
    }
  }

  private void zero(long from, long to) {
    byte[] b = new byte[dbs];
    long d = from / dbs;
    dev.read(d, b, 0, 1, IoKind.DATA);
    java.util.Arrays.fill(b, (int) (from - d * dbs), (int) (to - d * dbs), (byte) 0);
    dev.write(d, b, 0, 1, IoKind.DATA, NONE);
  }
}
