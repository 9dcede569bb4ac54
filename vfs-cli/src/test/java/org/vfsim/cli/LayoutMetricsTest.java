package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;

/** The layout figures follow their definitions (filefrag counting, Smith and Seltzer). */
@ExtendWith(LockValidatorExtension.class)
class LayoutMetricsTest {
  private static final int BS = 4096;

  private static FiemapExtent ext(long logicalBlock, long physicalBlock, long blocks) {
    return new FiemapExtent(logicalBlock * BS, physicalBlock * BS, blocks * BS, 0);
  }

  @Test
  void oneContiguousRunIsOneExtentAndAPerfectScore() {
    List<FiemapExtent> e = List.of(ext(0, 100, 8));
    assertEquals(1, LayoutMetrics.fragments(e));
    // 7 blocks after the first, all following their predecessor.
    assertArrayEquals(new long[] {7, 7}, LayoutMetrics.layoutScore(e, BS));
  }

  @Test
  void aJumpStartsAFragmentAndCostsOneBlockOfScore() {
    List<FiemapExtent> e = List.of(ext(0, 100, 4), ext(4, 500, 4));
    assertEquals(2, LayoutMetrics.fragments(e));
    // 7 blocks after the first; the first block of the second run does not follow.
    assertArrayEquals(new long[] {6, 7}, LayoutMetrics.layoutScore(e, BS));
  }

  @Test
  void physicallyAdjacentExtentsAreOneFragment() {
    // Split in two by the filesystem (e.g. different flags) but contiguous on disk.
    List<FiemapExtent> e = List.of(ext(0, 100, 4), ext(4, 104, 4));
    assertEquals(1, LayoutMetrics.fragments(e));
    assertArrayEquals(new long[] {7, 7}, LayoutMetrics.layoutScore(e, BS));
  }

  @Test
  void aHoleDoesNotMakeAFragmentWhenTheNextRunLandsWhereContiguityPutsIt() {
    // filefrag's rule: physical 110 = 100 + (10 - 0).
    List<FiemapExtent> e = List.of(ext(0, 100, 4), ext(10, 110, 2));
    assertEquals(1, LayoutMetrics.fragments(e));
    // The block after the hole has no previous logical block on disk: denominator only.
    assertArrayEquals(new long[] {4, 5}, LayoutMetrics.layoutScore(e, BS));
  }

  @Test
  void fullyInterleavedFileScoresZero() {
    List<FiemapExtent> e = List.of(ext(0, 10, 1), ext(1, 20, 1), ext(2, 30, 1), ext(3, 40, 1));
    assertEquals(4, LayoutMetrics.fragments(e));
    assertArrayEquals(new long[] {0, 3}, LayoutMetrics.layoutScore(e, BS));
  }

  @Test
  void delayedExtentsHaveNoPlaceToJudge() {
    List<FiemapExtent> e = List.of(ext(0, 100, 4),
        new FiemapExtent(4L * BS, 0, 4L * BS, FiemapExtent.DELALLOC | FiemapExtent.UNKNOWN));
    assertEquals(1, LayoutMetrics.fragments(e));
    assertArrayEquals(new long[] {3, 3}, LayoutMetrics.layoutScore(e, BS));
  }

  @Test
  void bucketsArePowersOfTwo() {
    assertEquals(0, LayoutMetrics.bucket(1));
    assertEquals(1, LayoutMetrics.bucket(2));
    assertEquals(1, LayoutMetrics.bucket(3));
    assertEquals(10, LayoutMetrics.bucket(1024));
    assertEquals(10, LayoutMetrics.bucket(2047));
  }
}
