package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TransferReportTest {

  /** The elapsed time every timed command reported in the stdout.fakeclock captures. */
  private static final long FAKE_CLOCK_NANOS = 1_234_567_000L;

  private static final Pattern HEADLINE =
      Pattern.compile("(wrote|read|linked) (\\d+)/(\\d+) bytes at offset (\\d+)");
  private static final Pattern OPS = Pattern.compile("^[^ ]+ [A-Za-z]+, (\\d+) ops; .*");

  static Stream<String> summaryRows() {
    return Golden.summaryTable().stream().skip(1);
  }

  @ParameterizedTest
  @MethodSource("summaryRows")
  void summaryMatchesRealXfsIoUnderFixedClock(String row) {
    String[] columns = row.split("\t");
    long bytes = Long.parseLong(columns[0]);
    long ops = Long.parseLong(columns[1]);
    long micros = Long.parseLong(columns[2]);
    TransferReport report = new TransferReport("read", 0, bytes, bytes, ops, micros * 1000);
    assertEquals(columns[3], report.summary());
  }

  @Test
  void summaryTableCoversEveryShape() {
    List<String> lines = summaryRows().map(row -> row.split("\t")[3]).toList();
    assertTrue(lines.size() > 50);
    assertTrue(lines.stream().anyMatch(line -> line.contains("-nan")));
    assertTrue(lines.stream().anyMatch(line -> line.contains("inf EiB")));
    assertTrue(lines.stream().anyMatch(line -> line.contains("PiB")));
    assertTrue(lines.stream().anyMatch(line -> line.contains("100:00:00.00")));
  }

  static List<String> fakeClockCases() {
    return Golden.casesWith("xfs_io", "stdout.fakeclock");
  }

  /** Every report in every fixed-clock capture, reproduced from its numbers. */
  @ParameterizedTest
  @MethodSource("fakeClockCases")
  void reproducesEveryReportOfTheGoldenCases(String caseName) {
    List<String> lines = Golden.read("xfs_io", caseName, "stdout.fakeclock").lines().toList();
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher headline = HEADLINE.matcher(lines.get(i));
      if (!headline.matches()) {
        continue;
      }
      String summary = lines.get(i + 1);
      Matcher ops = OPS.matcher(summary);
      assertTrue(ops.matches(), summary);
      TransferReport report =
          new TransferReport(
              headline.group(1),
              Long.parseLong(headline.group(4)),
              Long.parseLong(headline.group(3)),
              Long.parseLong(headline.group(2)),
              Long.parseLong(ops.group(1)),
              FAKE_CLOCK_NANOS);
      expected.add(lines.get(i) + "\n" + summary + "\n");
      actual.add(report.render());
    }
    assertFalse(expected.isEmpty(), "no report in " + caseName);
    assertEquals(expected, actual);
  }

  @Test
  void rendersHeadlineAndSummary() {
    TransferReport report = new TransferReport("wrote", 0, 4096, 4096, 1, 1_000);
    assertEquals(
        "wrote 4096/4096 bytes at offset 0\n"
            + "4 KiB, 1 ops; 0.0000 sec (3.815 GiB/sec and 1000000.0000 ops/sec)\n",
        report.render());
  }

  @Test
  void truncatesElapsedTimeToMicroseconds() {
    TransferReport coarse = new TransferReport("read", 0, 10, 10, 1, 1_999);
    TransferReport fine = new TransferReport("read", 0, 10, 10, 1, 1_000);
    assertEquals(fine.summary(), coarse.summary());
  }

  @Test
  void zeroBytesInZeroTimeIsNotANumber() {
    TransferReport report = new TransferReport("read", 20000, 10, 0, 0, 0);
    assertEquals("read 0/10 bytes at offset 20000", report.headline());
    assertEquals(
        "0.000000 bytes, 0 ops; 0.0000 sec (-nan bytes/sec and -nan ops/sec)", report.summary());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new TransferReport("", 0, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new TransferReport("a b", 0, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new TransferReport("read", 0, -1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new TransferReport("read", 0, 1, -1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new TransferReport("read", 0, 1, 1, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new TransferReport("read", 0, 1, 1, 1, -1));
  }
}
