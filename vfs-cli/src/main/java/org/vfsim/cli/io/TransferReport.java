package org.vfsim.cli.io;

/**
 * The two lines xfs_io prints after a timed transfer ({@code pwrite}, {@code pread}, {@code
 * reflink}, ...): the headline {@code wrote 4096/4096 bytes at offset 0} and the summary {@code 4
 * KiB, 1 ops; 0.0000 sec (3.815 GiB/sec and 1000000.0000 ops/sec)}.
 *
 * <p>xfs_io times with {@code gettimeofday}, so the elapsed time is truncated to microseconds
 * before anything is derived from it; a rate over zero time is {@code inf}, and zero bytes over
 * zero time is {@code -nan}, exactly as the real tool prints them.
 *
 * @param verb the headline's first word: {@code wrote}, {@code read}, {@code linked}, ...
 * @param offset the offset the command was given
 * @param requested the byte count the command was asked for; not negative
 * @param done the bytes actually transferred; not negative
 * @param ops the number of system calls issued; not negative
 * @param elapsedNanos the elapsed time in nanoseconds; not negative
 */
public record TransferReport(
    String verb, long offset, long requested, long done, long ops, long elapsedNanos) {

  public TransferReport {
    if (verb.isEmpty() || verb.contains(" ")) {
      throw new IllegalArgumentException("verb must be one word: '" + verb + "'");
    }
    if (requested < 0 || done < 0 || ops < 0 || elapsedNanos < 0) {
      throw new IllegalArgumentException(
          "negative count: requested=%d done=%d ops=%d elapsedNanos=%d"
              .formatted(requested, done, ops, elapsedNanos));
    }
  }

  /** Returns the first line, without a line terminator: {@code wrote 10/100 bytes at offset 0}. */
  public String headline() {
    return "%s %d/%d bytes at offset %d".formatted(verb, done, requested, offset);
  }

  /** Returns the timing line, without a line terminator. */
  public String summary() {
    long micros = elapsedNanos / 1_000;
    double seconds = (double) (micros / 1_000_000) + ((double) (micros % 1_000_000) / 1_000_000.0);
    double bytes = (double) done;
    return "%s, %d ops; %s (%s/sec and %s ops/sec)"
        .formatted(
            XfsIoSizes.format(bytes),
            ops,
            XfsIoTime.format(micros),
            XfsIoSizes.format(bytes / seconds),
            CDoubles.fixed((double) ops / seconds, 4));
  }

  /** Returns both lines, each ending in {@code \n}, as xfs_io writes them to standard output. */
  public String render() {
    return headline() + "\n" + summary() + "\n";
  }
}
