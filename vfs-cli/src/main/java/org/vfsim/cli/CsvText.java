package org.vfsim.cli;

import java.util.Locale;

/** CSV fields: quoted when they hold a comma, quote or newline; non-finite numbers empty. */
final class CsvText {
  private CsvText() {}

  static String field(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? "" : String.format(Locale.ROOT, "%.6g", d);
  }
}
