package org.vfsim.cli.io;

/**
 * Renders an elapsed time as xfs_io's summary line does, which has two shapes: {@code 0.0123 sec}
 * under one second and {@code H:MM:SS.CC} from one second up.
 */
public final class XfsIoTime {

  private XfsIoTime() {}

  /**
   * Returns the elapsed time {@code micros} as xfs_io prints it: {@code 0.%04u sec} (tenths of
   * milliseconds, truncated) when under a second, else hours (unpadded, unbounded), minutes,
   * seconds and hundredths (truncated), as in {@code 0:00:01.23} or {@code 100:00:00.00}.
   *
   * @param micros elapsed microseconds; not negative
   */
  public static String format(long micros) {
    if (micros < 0) {
      throw new IllegalArgumentException("negative elapsed time: " + micros);
    }
    long seconds = micros / 1_000_000;
    long fraction = micros % 1_000_000;
    if (seconds == 0) {
      return String.format("0.%04d sec", fraction / 100);
    }
    return String.format(
        "%d:%02d:%02d.%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60, fraction / 10_000);
  }
}
