package org.vfsim.cli.io;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Formats doubles the way glibc's {@code printf("%.Nf")} does, because xfs_io's summary line is
 * built from such conversions and Java's own formatter rounds differently.
 */
final class CDoubles {

  private CDoubles() {}

  /**
   * Returns {@code printf("%.<decimals>f", value)}: the exact binary value rounded half-to-even,
   * {@code inf} for infinity and {@code -nan} for NaN (the NaN that x86 produces for 0.0/0.0 has
   * its sign bit set, and that is the only NaN the summary line can meet).
   */
  static String fixed(double value, int decimals) {
    if (decimals < 0) {
      throw new IllegalArgumentException("negative decimals: " + decimals);
    }
    if (Double.isNaN(value)) {
      return "-nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String digits = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    if (value < 0 || (value == 0 && 1 / value < 0)) {
      return digits.startsWith("-") ? digits : "-" + digits;
    }
    return digits;
  }
}
