package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.FiemapExtent;

/** The disk map's axis: the whole device, or zoomed to where the files are when they are small. */
class DiskMapRangeTest {
  private static final long BS = 4096;
  private static final long DEVICE = 65536;

  private static VariantResult.FileLayout file(long... startAndLengthBlocks) {
    List<FiemapExtent> extents = new java.util.ArrayList<>();
    long logical = 0;
    for (int i = 0; i < startAndLengthBlocks.length; i += 2) {
      long len = startAndLengthBlocks[i + 1] * BS;
      extents.add(new FiemapExtent(logical, startAndLengthBlocks[i] * BS, len, 0));
      logical += len;
    }
    return new VariantResult.FileLayout("f", logical, extents, extents.size(), 0, 0);
  }

  @Test
  void filesSpreadOverAQuarterOfTheDeviceShowTheWholeDevice() {
    long[] r = HtmlReport.drawnBlockRange(
        List.of(file(100, 10), file(100 + DEVICE / 4, 10)), DEVICE, BS);
    assertArrayEquals(new long[] {0, DEVICE}, r);
  }

  @Test
  void aSmallClusterIsZoomedWithAMarginAndEveryExtentInside() {
    long lo = 32_768;
    long hi = 32_768 + 1_000;
    long[] r = HtmlReport.drawnBlockRange(
        List.of(file(lo, 10, lo + 500, 20), file(hi - 30, 30)), DEVICE, BS);
    assertTrue(r[0] < lo && r[1] > hi, "every extent inside: " + r[0] + ".." + r[1]);
    assertTrue(r[1] - r[0] <= (hi - lo) * 13 / 10, "a margin, not the device: " + (r[1] - r[0]));
  }

  @Test
  void theMarginStopsAtTheDeviceEdges() {
    long[] r = HtmlReport.drawnBlockRange(
        List.of(file(0, 4), file(DEVICE - 4, 4)), DEVICE, BS);
    assertArrayEquals(new long[] {0, DEVICE}, r);
    long[] low = HtmlReport.drawnBlockRange(List.of(file(2, 100)), DEVICE, BS);
    assertArrayEquals(new long[] {0, 102 + 10}, low);
  }

  @Test
  void noExtentsShowTheWholeDevice() {
    assertArrayEquals(new long[] {0, DEVICE},
        HtmlReport.drawnBlockRange(List.of(file()), DEVICE, BS));
  }
}
