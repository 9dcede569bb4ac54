package org.vfsim.cli;

import com.google.common.collect.ImmutableMap;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FiemapExtent;

/** What one variant of a comparison measured, or why it failed. */
record VariantResult(
    Variant variant,
    @Nullable String failure,
    int blockSize,
    long deviceBlocks,
    List<FileLayout> files,
    long layoutNumerator,
    long layoutDenominator,
    long[] freeExtentsByBucket,
    long[] freeBlocksByBucket,
    long appBytesWritten,
    long deviceBytesWritten,
    long dataBytesWritten,
    long metadataBytesWritten,
    long allocatedBytes,
    long referencedBytes,
    ImmutableMap<String, Long> counters,
    long hddWriteNanos,
    long ssdWriteNanos,
    long hddColdReadNanos,
    long ssdColdReadNanos,
    long[] coldReadSeekHistogram,
    long coldReadSeeks,
    List<RoundSample> rounds,
    List<String> fsckProblems,
    int lockdepReports,
    boolean hasFiemap) {

  /** Why the extent and layout columns are empty, for a filesystem without FIEMAP. */
  static final String NO_FIEMAP = "the filesystem has no FIEMAP, so extents and layout are "
      + "unknown";

  /** One file at the end of the workload. */
  record FileLayout(String name, long size, List<FiemapExtent> extents, int fragments,
      long layoutNumerator, long layoutDenominator) {
    double layoutScore() {
      return LayoutMetrics.ratio(layoutNumerator, layoutDenominator);
    }
  }

  /**
   * Metrics sampled at the end of one round of a multi-round workload (the aging curve): layout
   * and fragmentation, bytes written so far by the workload and by the device (their ratio is
   * the write amplification so far), HDD device time so far, and the modelled HDD time of a cold
   * read of every file as laid out now (positioning per discontiguous extent plus transfer,
   * computed from the extent maps so that sampling does not disturb the run).
   */
  record RoundSample(int round, double layoutScore, long extents, long freeExtents,
      long appBytesWritten, long deviceBytesWritten, long hddNanos, long coldReadModelNanos) {
    double writeAmplification() {
      return appBytesWritten == 0 ? Double.NaN : (double) deviceBytesWritten / appBytesWritten;
    }
  }

  static VariantResult failed(Variant v, String why) {
    return new VariantResult(v, why, 0, 0, List.of(), 0, 0, new long[64], new long[64], 0, 0, 0,
        0, 0, 0, ImmutableMap.of(), 0, 0, 0, 0, new long[64], 0, List.of(), List.of(), 0, true);
  }

  boolean ok() {
    return failure == null;
  }

  int extents() {
    return files.stream().mapToInt(FileLayout::fragments).sum();
  }

  double extentsPerFile() {
    return files.isEmpty() ? 0 : (double) extents() / files.size();
  }

  /** The aggregate score; NaN when no file has a block after its first (nothing to judge). */
  double layoutScore() {
    return layoutDenominator == 0 ? Double.NaN : (double) layoutNumerator / layoutDenominator;
  }

  long freeExtents() {
    long n = 0;
    for (long c : freeExtentsByBucket) {
      n += c;
    }
    return n;
  }

  long freeBlocks() {
    long n = 0;
    for (long c : freeBlocksByBucket) {
      n += c;
    }
    return n;
  }

  double writeAmplification() {
    return appBytesWritten == 0 ? 0 : (double) deviceBytesWritten / appBytesWritten;
  }

  double spaceAmplification() {
    return referencedBytes == 0 ? 0 : (double) allocatedBytes / referencedBytes;
  }
}
