package org.vfsim.cli;

/** xfs_io's number parsing: {@code cvtnum} for sizes and offsets, {@code strtoul} for seeds. */
final class XfsIoNumbers {
  private XfsIoNumbers() {}

  /**
   * {@code cvtnum}: a C integer (decimal, {@code 0x} hex or {@code 0} octal) with at most one
   * suffix: {@code b} (filesystem block), {@code s} (512-byte sector), {@code k m g t p e}
   * (powers of 1024, either case). Returns -1 for anything else, as xfs_io does, so a negative
   * number is indistinguishable from garbage.
   */
  static long cvtnum(long blockSize, long sectorSize, String s) {
    Parsed p = strtoll(s);
    if (p == null) {
      return -1;
    }
    String rest = s.substring(p.end);
    if (rest.isEmpty()) {
      return p.value;
    }
    if (rest.length() != 1) {
      return -1;
    }
    long mult = switch (Character.toLowerCase(rest.charAt(0))) {
      case 'b' -> blockSize;
      case 's' -> sectorSize;
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      case 't' -> 1L << 40;
      case 'p' -> 1L << 50;
      case 'e' -> 1L << 60;
      default -> 0;
    };
    return mult == 0 ? -1 : p.value * mult;
  }

  /** {@code strtoul(s, &end, 0)} with {@code *end == '\0'} required; null when not a number. */
  static Long strtoulStrict(String s) {
    Parsed p = strtoll(s);
    return p == null || p.end != s.length() ? null : p.value;
  }

  private record Parsed(long value, int end) {}

  /** C's {@code strtoll(s, &end, 0)}: saturates on overflow; null when no digits were read. */
  private static Parsed strtoll(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean neg = false;
    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    int radix = 10;
    if (i + 1 < s.length() && s.charAt(i) == '0'
        && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
        && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
      radix = 16;
      i += 2;
    } else if (i < s.length() && s.charAt(i) == '0') {
      radix = 8;
    }
    int start = i;
    long v = 0;
    boolean overflow = false;
    while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
      int d = Character.digit(s.charAt(i), radix);
      if (v > (Long.MAX_VALUE - d) / radix) {
        overflow = true;
      } else {
        v = v * radix + d;
      }
      i++;
    }
    if (i == start) {
      return null;
    }
    if (overflow) {
      v = neg ? Long.MIN_VALUE : Long.MAX_VALUE;
    } else if (neg) {
      v = -v;
    }
    return new Parsed(v, i);
  }
}
