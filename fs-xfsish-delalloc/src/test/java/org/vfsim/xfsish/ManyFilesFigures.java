package org.vfsim.xfsish;

import org.vfsim.Configuration;

/**
 * Not a test: the many-files figure (each file created, 16 KiB written, fsynced, closed) at
 * the counts given as arguments (default 1000 8000 64000), on a dataless 8 GiB device. Prints
 * the mean time per file and, every 1,000 files, the time per file over the last 1,000, so a
 * run that grows with the square of the work shows it; stops a count after {@code
 * -Dbudget.seconds} (default 600) and says so. Wall-clock time is what is measured here; the
 * simulation itself never reads it.
 */
final class ManyFilesFigures {
  private ManyFilesFigures() {}

  public static void main(String[] args) {
    int[] counts = args.length == 0 ? new int[] {1000, 8000, 64000}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    long budget = Long.getLong("budget.seconds", 600) * 1_000_000_000L;
    byte[] data = XfsFixture.pattern(16 << 10, 1);
    for (int n : counts) {
      XfsFixture f = new XfsFixture(Configuration.defaults(), 8L << 30, true, "", "");
      long t0 = System.nanoTime();
      long window = t0;
      int done = 0;
      for (int i = 0; i < n; i++) {
        int fd = f.create("f" + i);
        f.sys.pwriteBytes(fd, data, 0);
        f.sys.fsync(fd);
        f.sys.close(fd);
        done++;
        if (done % 1000 == 0) {
          long now = System.nanoTime();
          System.out.printf("  %,d files: last 1,000 at %.3f ms/file%n", done,
              (now - window) / 1e6 / 1000);
          window = now;
          if (now - t0 > budget) {
            break;
          }
        }
      }
      long t = System.nanoTime() - t0;
      System.out.printf("xfsish many-files %,d: %,d done in %.1f s, %.3f ms/file%s%n", n, done,
          t / 1e9, t / 1e6 / done, done < n ? " (stopped at the time budget)" : "");
      f.check();
    }
  }
}
