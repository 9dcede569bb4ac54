package org.vfsim.cli.fio;

/**
 * An inclusive range of byte counts, as fio's {@code bsrange=} and {@code filesize=} take it; a
 * single value is a range whose ends are equal.
 *
 * @param min the smallest value; positive
 * @param max the largest value; at least {@code min}
 */
public record SizeRange(long min, long max) {

  public SizeRange {
    if (min <= 0 || max < min) {
      throw new IllegalArgumentException("bad range: " + min + "-" + max);
    }
  }

  /** Returns the range holding only {@code value}. */
  public static SizeRange of(long value) {
    return new SizeRange(value, value);
  }

  /** Returns whether the range holds a single value. */
  public boolean isFixed() {
    return min == max;
  }
}
