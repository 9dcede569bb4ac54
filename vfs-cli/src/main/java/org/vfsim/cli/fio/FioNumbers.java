package org.vfsim.cli.fio;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads fio's integers with unit suffixes as fio 3.33 reads them in its default {@code
 * kb_base=1024} mode, rejecting what fio would silently misread.
 *
 * <p>A value is decimal digits, optionally followed by a unit {@code k m g t p} (any case) and
 * then {@code b}, {@code i} or {@code ib}; or {@code 0x} and hex digits without a unit. {@code k},
 * {@code kb} and {@code ki} mean 1024; {@code kib} means 1000 (fio's "compatibility mode" swaps
 * the SI and IEC meanings, so {@code 1MiB} is 1000000 there); a lone {@code b} means bytes.
 * Fractions, exponents, percentages, expressions, negative numbers and trailing junk ({@code
 * 1.5k}, {@code 1kk}, {@code 0x10k}), which fio turns into surprising numbers, are errors here.
 */
final class FioNumbers {

  private static final Pattern DECIMAL =
      Pattern.compile("([0-9]+)(?:([kmgtp])(i?)(b?)|(b))?", Pattern.CASE_INSENSITIVE);
  private static final Pattern HEX = Pattern.compile("0x([0-9a-f]+)", Pattern.CASE_INSENSITIVE);
  private static final String UNITS = "kmgtp";

  private FioNumbers() {}

  /**
   * Returns the value of {@code text}.
   *
   * @throws NumberFormatException if {@code text} is not such a value or exceeds a long
   */
  static long parse(String text) {
    Matcher hex = HEX.matcher(text);
    if (hex.matches()) {
      return checkFits(parseOrTooLarge(hex.group(1), 16, text), text);
    }
    Matcher decimal = DECIMAL.matcher(text);
    if (!decimal.matches()) {
      throw new NumberFormatException("not a number with an optional k/m/g/t/p suffix: " + text);
    }
    long number = checkFits(parseOrTooLarge(decimal.group(1), 10, text), text);
    String unit = decimal.group(2);
    if (unit == null) {
      return number;
    }
    boolean decimalUnits = !decimal.group(3).isEmpty() && !decimal.group(4).isEmpty();
    long base = decimalUnits ? 1000 : 1024;
    int power = UNITS.indexOf(unit.toLowerCase(Locale.ROOT)) + 1;
    long multiplier = 1;
    for (int i = 0; i < power; i++) {
      multiplier *= base;
    }
    try {
      return Math.multiplyExact(number, multiplier);
    } catch (ArithmeticException e) {
      throw new NumberFormatException("too large: " + text);
    }
  }

  private static long parseOrTooLarge(String digits, int radix, String text) {
    try {
      return Long.parseUnsignedLong(digits, radix);
    } catch (NumberFormatException e) {
      throw new NumberFormatException("too large: " + text);
    }
  }

  private static long checkFits(long unsigned, String text) {
    if (unsigned < 0) {
      throw new NumberFormatException("too large: " + text);
    }
    return unsigned;
  }
}
