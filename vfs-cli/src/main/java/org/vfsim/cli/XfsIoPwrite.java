package org.vfsim.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.vfsim.cli.io.TransferReport;
import org.vfsim.syscall.Syscalls;

/**
 * xfs_io's {@code pwrite} (xfsprogs {@code io/pwrite.c}): writes a seed-filled user buffer in
 * {@code -b}-sized pwrite(2) calls, optionally followed by fdatasync ({@code -w}) or fsync
 * ({@code -W}).
 */
final class XfsIoPwrite {
  static final byte DEFAULT_PWRITE_SEED = (byte) 0xcd;

  private final XfsIoShell sh;

  private XfsIoPwrite(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoPwrite c = new XfsIoPwrite(sh);
    sh.addParsed("pwrite", 2, -1, false, false, "b:S:wWq", "pwrite [-i infile [-qdDwNOW] [-s skip]]"
        + " [-b bs] [-S seed] [-FBR [-Z N]] [-V N] off len -- writes a number of bytes at a"
        + " specified offset", c::pwrite);
  }

  /** {@code n} bytes of {@code seed}: the pattern xfs_io fills its write buffers with. */
  static byte[] filled(int n, byte seed) {
    byte[] b = new byte[n];
    Arrays.fill(b, seed);
    return b;
  }

  private void pwrite(List<String> argv, Getopt g) {
    Map<Character, Long> opts = sh.numericOptions(g);
    if (opts == null) {
      return;
    }
    long bsize = opts.getOrDefault('b', 4096L);
    byte seed = (byte) opts.getOrDefault('S', (long) DEFAULT_PWRITE_SEED).longValue();
    XfsIoShell.Range range = sh.offsetAndLength(argv, g);
    if (range == null) {
      return;
    }
    long offset = range.offset();
    long count = range.length();
    if (!sh.bufferFits(argv.get(0), bsize)) {
      return;
    }
    int bs = (int) bsize;
    Syscalls sys = sh.sys();
    // The user buffer: no write is longer than min(bsize, len), so no more is filled.
    int bufLen = (int) Math.min(bs, count);
    long buf = bufLen > 0 ? sys.mmapAnonymous(bufLen) : 0;
    try {
      if (bufLen > 0) {
        sys.store(buf, filled(bufLen, seed));
      }
      long start = sh.now();
      XfsIoShell.Moved moved = sh.transfer("pwrite", offset, count, bs,
          (pos, want) -> sys.pwrite(sh.files.fd(), buf, want, pos));
      if (moved == null) {
        return;
      }
      if (g.has('w') && !sh.syncCall("fdatasync", () -> sys.fdatasync(sh.files.fd()))) {
        return;
      }
      if (g.has('W') && !sh.syncCall("fsync", () -> sys.fsync(sh.files.fd()))) {
        return;
      }
      if (!g.has('q')) {
        // xfs_io's pwrite never measures less than 1 us (its buffer setup is timed), so a write
        // of nothing (-b 0, or length 0) reports rates of 0, not pread's -nan over 0 s.
        long elapsed = Math.max(sh.now() - start, 1_000);
        sh.out.print(new TransferReport("wrote", offset, count, moved.bytes(), moved.calls(),
            elapsed).render());
      }
    } finally {
      if (bufLen > 0) {
        sys.munmap(buf, bufLen);
      }
    }
  }
}
