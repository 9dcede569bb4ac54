package org.vfsim.cli;

import java.util.Locale;

/** JSON literals for the hand-written report: strings escaped, non-finite numbers as null. */
final class JsonText {
  private JsonText() {}

  static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  static String num(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "null";
  }
}
