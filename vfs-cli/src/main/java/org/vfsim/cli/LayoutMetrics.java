package org.vfsim.cli;

import java.util.List;
import org.vfsim.fs.FiemapExtent;

/**
 * The per-file layout figures of the comparison, from a file's FIEMAP extents (byte units, in
 * logical order). Extents whose location is not known yet (delayed allocation) are left out:
 * they have no physical block to judge.
 */
final class LayoutMetrics {
  private LayoutMetrics() {}

  private static boolean located(FiemapExtent e) {
    return !e.has(FiemapExtent.DELALLOC) && !e.has(FiemapExtent.UNKNOWN);
  }

  /**
   * Extents as {@code filefrag} counts them: an extent starts a new fragment unless its physical
   * start is where the previous one ended, or where the previous one would have put it had the
   * file been laid out contiguously across the hole between them.
   */
  static int fragments(List<FiemapExtent> extents) {
    int n = 0;
    FiemapExtent prev = null;
    for (FiemapExtent e : extents) {
      if (!located(e)) {
        continue;
      }
      boolean follows = prev != null && (e.physical() == prev.physical() + prev.length()
          || e.physical() == prev.physical() + (e.logical() - prev.logical()));
      if (!follows) {
        n++;
      }
      prev = e;
    }
    return n;
  }

  /**
   * Smith and Seltzer's layout score as a fraction {@code {numerator, denominator}}: of a file's
   * blocks after its first, how many sit on the physical block right after the previous
   * logical block's. A block after a hole has no previous logical block on disk, so it counts
   * in the denominator only.
   */
  static long[] layoutScore(List<FiemapExtent> extents, int blockSize) {
    long num = 0;
    long den = 0;
    boolean first = true;
    FiemapExtent prev = null;
    for (FiemapExtent e : extents) {
      if (!located(e)) {
        prev = null;
        continue;
      }
      long blocks = (e.length() + blockSize - 1) / blockSize;
      if (blocks == 0) {
        continue;
      }
      // Blocks inside one extent follow each other by definition.
      num += blocks - 1;
      den += blocks - 1;
      if (!first) {
        den++;
        if (prev != null && prev.logicalEnd() == e.logical()
            && prev.physical() + prev.length() == e.physical()) {
          num++;
        }
      }
      first = false;
      prev = e;
    }
    return new long[] {num, den};
  }

  /** num/den, or 1 for a file of at most one block (nothing to be out of place). */
  static double ratio(long num, long den) {
    return den == 0 ? 1.0 : (double) num / den;
  }

  /** Bucket k of a free extent of {@code blocks}: 2^k <= blocks < 2^(k+1), as e2freefrag has it. */
  static int bucket(long blocks) {
    return 63 - Long.numberOfLeadingZeros(Math.max(1, blocks));
  }
}
