package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilefragReportTest {

  private static final Pattern TYPE = Pattern.compile("Filesystem type is: ([0-9a-f]+)");
  private static final Pattern SIZE =
      Pattern.compile("File size of (.+) is (\\d+) \\(\\d+ blocks? of (\\d+) bytes\\)");
  private static final Pattern ROW =
      Pattern.compile(" *\\d+: +(\\d+)\\.\\. *(\\d+): +(\\d+)\\.\\. *\\d+: +\\d+:(?: +\\d+:)?(.*)");
  private static final List<String> NAMES =
      List.of(
          "last", "unknown_loc", "delalloc", "encoded", "encrypted", "not_aligned", "inline",
          "tail_packed", "unwritten", "merged", "shared");

  private static int flagsOf(String names) {
    int flags = 0;
    for (String name : names.strip().split(",")) {
      if (!name.isEmpty() && !name.equals("eof")) {
        flags |= ExtentRow.KERNEL_ORDER[NAMES.indexOf(name)];
      }
    }
    return flags;
  }

  /**
   * Rebuilds the file from a golden {@code filefrag -v} output: type, name, size, block size and
   * extents (the length from the logical range, since unlocated extents print length 0), then
   * checks that the formatter prints the same text, expected column and count included.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "ext4-unwritten-holes",
        "ext4-eof-only",
        "ext4-single",
        "ext4-partial-block",
        "ext4-empty",
        "ext4-delalloc",
        "ext4-wide-logical",
        "ext4-huge",
        "ext4-leading-hole",
        "xfs-shared",
      })
  void reproducesGoldenOutput(String caseName) {
    String golden = Golden.read("filefrag", caseName, "stdout");
    List<String> lines = golden.lines().toList();
    Matcher type = TYPE.matcher(lines.get(0));
    Matcher size = SIZE.matcher(lines.get(1));
    assertEquals(true, type.matches() && size.matches(), golden);
    int blockSize = Integer.parseInt(size.group(3));
    List<ExtentRow> extents = new ArrayList<>();
    for (String line : lines) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        long first = Long.parseLong(row.group(1));
        long last = Long.parseLong(row.group(2));
        extents.add(
            new ExtentRow(
                first * blockSize,
                Long.parseLong(row.group(3)) * blockSize,
                (last - first + 1) * blockSize,
                flagsOf(row.group(4))));
      }
    }
    assertEquals(
        golden,
        FilefragReport.verbose(
            Long.parseLong(type.group(1), 16),
            size.group(1),
            Long.parseLong(size.group(2)),
            blockSize,
            extents));
  }

  /** ext4 put the second block where contiguous allocation would have: one fragment. */
  @Test
  void plainOutputIsTheCountLine() {
    List<ExtentRow> extents =
        List.of(
            new ExtentRow(0, 4096 * 100L, 4096, 0),
            new ExtentRow(1 << 20, 4096 * 100L + (1 << 20), 4096, ExtentRow.LAST));
    assertEquals(
        Golden.read("filefrag", "ext4-not-verbose", "stdout"),
        FilefragReport.summary("@FILE@", 4096, extents));
  }

  @Test
  void matchesTheToolsSpecExample() {
    List<ExtentRow> extents =
        List.of(
            new ExtentRow(0, 5921280L * 4096, 4 * 4096, 0),
            new ExtentRow(
                512L * 4096, 5915152L * 4096, 16 * 4096, ExtentRow.UNWRITTEN));
    assertEquals(
        """
        Filesystem type is: ef53
        File size of F is 2162688 (528 blocks of 4096 bytes)
         ext:     logical_offset:        physical_offset: length:   expected: flags:
           0:        0..       3:    5921280..   5921283:      4:           \s
           1:      512..     527:    5915152..   5915167:     16:    5921792: unwritten,eof
        F: 2 extents found
        """,
        FilefragReport.verbose(0xef53, "F", 2162688, 4096, extents));
  }

  @Test
  void physicallyContiguousExtentsAreOneFragment() {
    List<ExtentRow> extents =
        List.of(
            new ExtentRow(0, 40960, 8192, 0),
            new ExtentRow(65536, 49152, 4096, ExtentRow.LAST),
            new ExtentRow(131072, 4096 * 1000L, 4096, ExtentRow.SHARED));
    assertEquals(2, FilefragReport.fragments(extents));
    assertEquals(0, FilefragReport.fragments(List.of()));
  }

  @Test
  void countsAllFlagNamesInKernelOrder() {
    int all = 0;
    for (int flag : ExtentRow.KERNEL_ORDER) {
      all |= flag;
    }
    String report =
        FilefragReport.verbose(0x58465342, "f", 4096, 4096, List.of(new ExtentRow(0, 8192, 4096, all)));
    assertEquals(
        "last,unknown_loc,delalloc,encoded,encrypted,not_aligned,inline,tail_packed,unwritten,"
            + "merged,shared,eof",
        report.lines().toList().get(3).substring(57).strip());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> FilefragReport.verbose(0, "f", -1, 4096, List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> FilefragReport.verbose(0, "f", 0, 0, List.of()));
    List<ExtentRow> unordered =
        List.of(new ExtentRow(8192, 0, 4096, 0), new ExtentRow(0, 0, 4096, 0));
    assertThrows(
        IllegalArgumentException.class, () -> FilefragReport.summary("f", 4096, unordered));
  }
}
