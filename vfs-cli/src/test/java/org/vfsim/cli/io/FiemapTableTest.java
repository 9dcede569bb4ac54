package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FiemapTableTest {

  private static final Pattern VERBOSE_EXTENT =
      Pattern.compile(" *\\d+: \\[(\\d+)\\.\\.(\\d+)\\]: +(\\d+)\\.\\.\\d+ +\\d+ +0x([0-9a-f]+)");
  private static final Pattern PLAIN_EXTENT =
      Pattern.compile("\t\\d+: \\[(\\d+)\\.\\.(\\d+)\\]: (\\d+)\\.\\.\\d+");

  /** Returns the golden fiemap output: from the name line to the end of stdout. */
  private static String fiemapOutput(String caseName) {
    String stdout = Golden.read("xfs_io", caseName, "stdout");
    Matcher name = Pattern.compile("(?m)^@FILE2?@:$").matcher(stdout);
    assertTrue(name.find(), caseName);
    return stdout.substring(name.start());
  }

  /** Rebuilds the extents of a golden listing from its rows (sectors back to bytes). */
  private static List<ExtentRow> extentsOf(String listing, Pattern row) {
    List<ExtentRow> extents = new ArrayList<>();
    for (String line : listing.lines().toList()) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        int flags = m.groupCount() >= 4 ? Integer.parseInt(m.group(4), 16) : 0;
        extents.add(
            new ExtentRow(first * 512, Long.parseLong(m.group(3)) * 512, (last - first + 1) * 512, flags));
      }
    }
    return extents;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fiemap-v-holes-unwritten",
        "fiemap-v-leading-hole",
        "fiemap-v-wide",
        "fiemap-v-unwritten-last",
        "fiemap-v-shared",
        "fiemap-v-empty",
      })
  void reproducesGoldenVerboseListing(String caseName) {
    String golden = fiemapOutput(caseName);
    String name = golden.substring(0, golden.indexOf(':'));
    assertEquals(golden, FiemapTable.verbose(name, extentsOf(golden, VERBOSE_EXTENT)));
  }

  @Test
  void reproducesGoldenRangeListing() {
    String golden = fiemapOutput("fiemap-v-range");
    assertEquals(golden, FiemapTable.verbose("@FILE@", extentsOf(golden, VERBOSE_EXTENT), 4096, 8192));
  }

  @Test
  void reproducesGoldenPlainListing() {
    String golden = fiemapOutput("fiemap-plain");
    assertEquals(golden, FiemapTable.plain("@FILE@", extentsOf(golden, PLAIN_EXTENT)));
  }

  @Test
  void holeOnlyFilePrintsOnlyItsName() {
    assertEquals("@FILE@:\n@FILE@:\n", Golden.read("xfs_io", "fiemap-v-sparse-only", "stdout"));
    assertEquals("@FILE@:\n", FiemapTable.verbose("@FILE@", List.of()));
    assertEquals("@FILE@:\n", FiemapTable.plain("@FILE@", List.of()));
  }

  @Test
  void clipsExtentsToTheRange() {
    List<ExtentRow> extents =
        List.of(
            new ExtentRow(0, 1 << 20, 64 << 10, 0),
            new ExtentRow(512 << 10, 8 << 20, 4096, ExtentRow.LAST));
    assertEquals(
        """
        f:
         EXT: FILE-OFFSET      BLOCK-RANGE      TOTAL FLAGS
           0: [8..23]:         2056..2071          16   0x0
        """,
        FiemapTable.verbose("f", extents, 4096, 8192));
    assertEquals(
        """
        f:
        \t0: [8..127]: 2056..2175
        \t1: [128..1023]: hole
        \t2: [1024..1031]: 16384..16391
        """,
        FiemapTable.plain("f", extents, 4096, Long.MAX_VALUE));
  }

  @Test
  void columnsGrowAndHoleTotalsOverflow() {
    List<ExtentRow> extents =
        List.of(
            new ExtentRow(0, 4096L << 32, 100 << 20, ExtentRow.SHARED),
            new ExtentRow(1L << 40, 4096, 4096, ExtentRow.LAST | ExtentRow.UNWRITTEN));
    assertEquals(
        """
        f:
         EXT: FILE-OFFSET              BLOCK-RANGE               TOTAL FLAGS
           0: [0..204799]:             34359738368..34359943167 204800 0x2000
           1: [204800..2147483647]:    hole                     2147278848
           2: [2147483648..2147483655]: 8..15                         8 0x801
        """,
        FiemapTable.verbose("f", extents));
  }

  @Test
  void rejectsOverlappingExtents() {
    List<ExtentRow> overlapping =
        List.of(new ExtentRow(0, 4096, 8192, 0), new ExtentRow(4096, 65536, 4096, 0));
    assertThrows(IllegalArgumentException.class, () -> FiemapTable.verbose("f", overlapping));
    assertThrows(
        IllegalArgumentException.class, () -> FiemapTable.verbose("f", List.of(), -1, 10));
  }
}
