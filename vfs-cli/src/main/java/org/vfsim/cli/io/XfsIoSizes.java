package org.vfsim.cli.io;

/**
 * Renders a byte count or byte rate in binary units as xfs_io prints it in its summary line
 * ({@code 4 KiB}, {@code 1.907 PiB}, {@code 40.000000 bytes}).
 *
 * <p>The rules, observed on xfs_io 6.1: below 1024 the value prints as {@code %f bytes}; otherwise
 * it is divided by the largest power of 1024 (up to EiB) not above it and printed with no
 * decimals when the undivided value is a whole number that fits a C {@code int}, else with three;
 * rounding is glibc's (exact, half to even). So 10000 bytes print as {@code 10 KiB}, 1536 as
 * {@code 2 KiB}, 2147483648 as {@code 2.000 GiB}, infinity as {@code inf EiB} and NaN as {@code
 * -nan bytes}.
 */
public final class XfsIoSizes {

  private static final String[] UNITS = {"EiB", "PiB", "TiB", "GiB", "MiB", "KiB"};
  private static final int[] SHIFTS = {60, 50, 40, 30, 20, 10};

  private XfsIoSizes() {}

  /** Returns {@code value} in xfs_io's human units, e.g. {@code 64 KiB}. */
  public static String format(double value) {
    boolean precise = isWholeCInt(value);
    for (int i = 0; i < UNITS.length; i++) {
      double unit = Math.scalb(1.0, SHIFTS[i]);
      if (value >= unit) {
        return CDoubles.fixed(value / unit, precise ? 0 : 3) + " " + UNITS[i];
      }
    }
    return CDoubles.fixed(value, 6) + " bytes";
  }

  /** Mirrors C's {@code value == (int) value} on x86, where out-of-range casts yield INT_MIN. */
  private static boolean isWholeCInt(double value) {
    return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE && value == Math.rint(value);
  }
}
