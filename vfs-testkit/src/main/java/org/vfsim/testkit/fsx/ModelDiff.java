package org.vfsim.testkit.fsx;

import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The first place where what a read returned differs from the model: every byte of the range
 * is compared (a comparison that stopped early would let corruption past it through).
 *
 * @param offset file offset of the first differing byte, or of the end of a short read
 * @param shortRead whether the read returned fewer bytes than the model holds
 * @param detail two lines with the bytes around the difference (empty for a short read)
 */
record ModelDiff(long offset, boolean shortRead, String detail) {
  /** Compares {@code actual}, read at file offset {@code off}, with {@code expected}. */
  static @Nullable ModelDiff first(long off, byte[] expected, byte[] actual) {
    int i = Arrays.mismatch(expected, actual);
    if (i < 0) {
      return null;
    }
    int n = Math.min(expected.length, actual.length);
    if (i >= n) {
      return new ModelDiff(off + i, true, "");
    }
    int to = Math.min(n, i + 16);
    HexFormat hex = HexFormat.ofDelimiter(" ");
    return new ModelDiff(off + i, false, String.format(
        "  first difference at offset 0x%x: expected 0x%02x, actual 0x%02x%n"
            + "    expected: %s%n    actual:   %s", off + i, expected[i], actual[i],
        hex.formatHex(expected, i, to), hex.formatHex(actual, i, to)));
  }
}
