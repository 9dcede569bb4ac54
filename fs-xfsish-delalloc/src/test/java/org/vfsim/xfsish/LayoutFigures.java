package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vfsim.fs.FiemapExtent;

/**
 * Not a test: prints the layout of four workloads on xfsish (extents per file as filefrag
 * counts them, a layout score, and a digest of every physical placement), so that a change to
 * the allocator can be compared before and after. Run with the test class path:
 * {@code java org.vfsim.xfsish.LayoutFigures}.
 */
final class LayoutFigures {
  static final int BS = 4096;

  private LayoutFigures() {}

  public static void main(String[] args) {
    report("conway", conway());
    report("interleave", interleave());
    report("randwrite", randwrite(64));
    report("randwrite-1", randwrite(4096));
    report("sparse-fill", sparseFill());
  }

  /** Ten files grown in turns by fsynced 4 KiB appends (FAST'17 intra-file aging). */
  static List<List<FiemapExtent>> conway() {
    XfsFixture f = new XfsFixture(256L << 20, false, "", "");
    int[] fds = new int[10];
    for (int i = 0; i < fds.length; i++) {
      fds[i] = f.create("c" + i);
    }
    for (int round = 0; round < 100; round++) {
      for (int i = 0; i < fds.length; i++) {
        f.sys.pwriteBytes(fds[i], XfsFixture.pattern(BS, round), (long) round * BS);
        f.sys.fsync(fds[i]);
      }
    }
    return maps(f, fds);
  }

  /** Four files appended in turns, 64 KiB at a time, no fsync, then sync. */
  static List<List<FiemapExtent>> interleave() {
    XfsFixture f = new XfsFixture(256L << 20, false, "", "");
    int[] fds = new int[4];
    for (int i = 0; i < fds.length; i++) {
      fds[i] = f.create("i" + i);
    }
    for (int round = 0; round < 256; round++) {
      for (int i = 0; i < fds.length; i++) {
        f.sys.pwriteBytes(fds[i], XfsFixture.pattern(16 * BS, round), round * 16L * BS);
      }
    }
    f.sys.sync();
    return maps(f, fds);
  }

  /** 4,096 random 4 KiB writes into a 16 MiB file (seed 42), fsync every {@code every}. */
  static List<List<FiemapExtent>> randwrite(int every) {
    XfsFixture f = new XfsFixture(256L << 20, false, "", "");
    int fd = f.create("r");
    Random rnd = new Random(42);
    for (int k = 0; k < 4096; k++) {
      f.sys.pwriteBytes(fd, XfsFixture.pattern(BS, k), (long) rnd.nextInt(4096) * BS);
      if (k % every == every - 1) {
        f.sys.fsync(fd);
      }
    }
    f.sys.sync();
    return maps(f, new int[] {fd});
  }

  /** A 64 MiB file written as every other 64 KiB chunk, fsynced, then the holes filled. */
  static List<List<FiemapExtent>> sparseFill() {
    XfsFixture f = new XfsFixture(256L << 20, false, "", "");
    int fd = f.create("s");
    for (int pass = 0; pass < 2; pass++) {
      for (int c = pass; c < 1024; c += 2) {
        f.sys.pwriteBytes(fd, XfsFixture.pattern(16 * BS, c), c * 16L * BS);
      }
      f.sys.fsync(fd);
    }
    f.sys.sync();
    return maps(f, new int[] {fd});
  }

  private static List<List<FiemapExtent>> maps(XfsFixture f, int[] fds) {
    f.check();
    List<List<FiemapExtent>> out = new ArrayList<>();
    for (int fd : fds) {
      out.add(f.sys.fiemap(fd, 0, Long.MAX_VALUE, 0));
    }
    return out;
  }

  private static void report(String name, List<List<FiemapExtent>> files) {
    long extents = 0;
    long contiguous = 0;
    long pairs = 0;
    long digest = 17;
    for (List<FiemapExtent> m : files) {
      extents += XfsFixture.filefragExtents(m);
      long blocks = 0;
      for (FiemapExtent e : m) {
        blocks += e.length() / BS;
        digest = digest * 31 + e.logical() * 7 + e.physical() * 13 + e.length();
      }
      // The layout score: of each pair of file blocks that follow each other, the fraction
      // that also follow each other on disk.
      pairs += Math.max(0, blocks - 1);
      contiguous += Math.max(0, blocks - XfsFixture.filefragExtents(m));
    }
    System.out.printf("%-12s files %d  extents/file %.2f  layout %.3f  placement digest %016x%n",
        name, files.size(), (double) extents / files.size(),
        pairs == 0 ? 1.0 : (double) contiguous / pairs, digest);
  }
}
