package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatTimesTest {
  private static final long NS = 1_000_000_000L;

  /** Expected dates: glibc's ctime(3) under TZ=UTC LC_ALL=C, newline dropped. */
  @ParameterizedTest(name = "{0} s -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | Thu Jan  1 00:00:00 1970",
        "90123 | Fri Jan  2 01:02:03 1970",
        "273733 | Sun Jan  4 04:02:13 1970",
        "951782400 | Tue Feb 29 00:00:00 2000",
        "1795685031 | Thu Nov 26 09:23:51 2026",
        "2147483648 | Tue Jan 19 03:14:08 2038",
      })
  void ctimeMatchesGlibc(long seconds, String expected) {
    assertEquals(expected, StatTimes.ctime(seconds * NS));
    // The nanoseconds never round a date up to the next second.
    assertEquals(expected, StatTimes.ctime(seconds * NS + NS - 1));
  }

  @ParameterizedTest(name = "{0} ns")
  @CsvSource({"0", "1", "999999999", "1000000000", "90123500000123"})
  void timespecSplitsAtTheSecond(long nanos) {
    long sec = StatTimes.seconds(nanos);
    long nsec = StatTimes.nanoseconds(nanos);
    assertEquals(nanos, sec * NS + nsec);
    assertEquals(true, nsec >= 0 && nsec < NS, "tv_nsec in [0, 1e9): " + nsec);
  }
}
