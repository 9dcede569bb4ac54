package org.vfsim.cli.io;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Timestamps as {@code stat -v} and {@code stat -r} print them. vfsim's inode times are
 * nanoseconds of simulated time since boot; this treats boot as the Unix epoch, so a freshly
 * booted machine's files date from {@code Thu Jan  1 00:00:00 1970}.
 */
public final class StatTimes {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /** ctime(3) in the C locale: {@code %.3s %.3s%3d %.2d:%.2d:%.2d %d}, day padded to width 2. */
  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private StatTimes() {}

  /** {@code tv_sec} of a simulated time. */
  public static long seconds(long nanos) {
    return Math.floorDiv(nanos, NANOS_PER_SECOND);
  }

  /** {@code tv_nsec} of a simulated time: 0 to 999,999,999. */
  public static long nanoseconds(long nanos) {
    return Math.floorMod(nanos, NANOS_PER_SECOND);
  }

  /** The date ctime(3) prints for a simulated time in UTC, without its newline. */
  public static String ctime(long nanos) {
    return CTIME.format(Instant.ofEpochSecond(seconds(nanos)));
  }
}
