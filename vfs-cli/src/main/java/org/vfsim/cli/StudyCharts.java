package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's SVG charts that read a study rather than one run: the headline table, bars with
 * 95% error bars per group, and line charts with labelled ticks on both axes (aging curves, and
 * metrics against a swept value). Inline SVG, no scripts, no network.
 */
final class StudyCharts {
  /** A line: a label and (x, y, ±error) points; error NaN draws no bar. */
  record Series(String label, List<double[]> points) {}

  private StudyCharts() {}

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  static String color(int i, int n) {
    return f("hsl(%d,65%%,45%%)", (int) (360.0 * i / Math.max(1, n)));
  }

  /** The summary section: one row per group, mean ± 95% CI (and ×baseline), then error bars. */
  static String headline(StudySummary summary, boolean study) {
    StringBuilder sb = new StringBuilder("<h2>Summary</h2>\n");
    StudySummary.Group base = summary.baselineGroup();
    if (base != null) {
      sb.append("<p>Ratios in brackets are to the baseline <b>").append(esc(base.name()))
          .append("</b>.</p>\n");
    }
    if (study) {
      sb.append("<p>Mean ± half-width of the 95% confidence interval over seeds "
          + "(Student's t); n is the number of runs that completed.</p>\n");
    }
    sb.append("<table><tr><th>group</th><th>n</th>");
    for (StudySummary.Metric m : StudySummary.METRICS) {
      sb.append("<th>").append(esc(m.title())).append("</th>");
    }
    sb.append("</tr>\n");
    for (StudySummary.Group g : summary.groups()) {
      sb.append("<tr><td>").append(esc(g.name())).append("</td><td>")
          .append(g.runs() - g.failed()).append("</td>");
      for (StudySummary.Metric m : StudySummary.METRICS) {
        String cell = g.stats().get(m.key()).format(m.format());
        double rel = summary.relative(g, m.key());
        sb.append("<td>").append(esc(cell)).append(Double.isNaN(rel) ? "" : f(" [%.2f]", rel))
            .append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</table>\n");
    if (study) {
      for (StudySummary.Metric m : StudySummary.METRICS) {
        sb.append(errorBars(m, summary)).append('\n');
      }
    }
    return sb.toString();
  }

  /** One metric: a bar per group at its mean, with the 95% interval as an error bar. */
  static String errorBars(StudySummary.Metric m, StudySummary summary) {
    List<StudySummary.Group> groups = summary.groups();
    int barW = 36;
    int gap = 14;
    int h = 160;
    int left = 60;
    double max = 0;
    for (StudySummary.Group g : groups) {
      MetricStats s = g.stats().get(m.key());
      if (!Double.isNaN(s.mean())) {
        max = Math.max(max, s.mean() + (Double.isNaN(s.ci95()) ? 0 : s.ci95()));
      }
    }
    double[] ticks = ticks(0, max == 0 ? 1 : max);
    double top = ticks[ticks.length - 1];
    int width = left + groups.size() * (barW + gap) + 20;
    StringBuilder sb = new StringBuilder(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" role=\"img\"><title>%s: mean and 95%% interval per group</title>",
        Math.max(width, 320), h + 130, esc(m.title())));
    sb.append(f("<text x=\"%d\" y=\"12\" font-size=\"12\" font-weight=\"bold\">%s</text>", left,
        esc(m.title())));
    axisY(sb, ticks, top, left, 20, h, width);
    for (int i = 0; i < groups.size(); i++) {
      MetricStats s = groups.get(i).stats().get(m.key());
      int x = left + gap / 2 + i * (barW + gap);
      if (!Double.isNaN(s.mean())) {
        double y = 20 + h * (1 - s.mean() / top);
        sb.append(f("<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
            + "<title>%s: %s</title></rect>", x, y, barW, 20 + h - y, color(i, groups.size()),
            esc(groups.get(i).name()), esc(s.format(m.format()))));
        if (!Double.isNaN(s.ci95())) {
          double lo = 20 + h * (1 - Math.max(0, s.mean() - s.ci95()) / top);
          double hi = 20 + h * (1 - (s.mean() + s.ci95()) / top);
          int cx = x + barW / 2;
          sb.append(f("<path d=\"M%d %.1fV%.1fM%d %.1fH%dM%d %.1fH%d\" stroke=\"#000\" "
              + "stroke-width=\"1.5\"/>", cx, lo, hi, cx - 6, hi, cx + 6, cx - 6, lo, cx + 6));
        }
      }
      sb.append(f("<text transform=\"translate(%d,%d) rotate(40)\" font-size=\"9\">%s</text>",
          x + 4, h + 30, esc(groups.get(i).name())));
    }
    return sb.append("</svg>").toString();
  }

  /**
   * Lines over a shared x axis, with labelled ticks on both axes; error bars where a point has
   * one. Used for aging curves (x: rounds or bytes written) and sweeps (x: the swept value's
   * position).
   */
  static String lines(String title, String xLabel, List<Series> series,
      List<String> categoryLabels) {
    int width = 640;
    int h = 220;
    int left = 60;
    int top = 24;
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMax = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        if (Double.isNaN(p[1])) {
          continue;
        }
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        yMax = Math.max(yMax, p[1] + (p.length > 2 && !Double.isNaN(p[2]) ? p[2] : 0));
      }
    }
    if (xMin > xMax) {
      xMin = 0;
      xMax = 1;
    }
    if (xMax == xMin) {
      xMax = xMin + 1;
    }
    double[] yt = ticks(0, yMax == 0 ? 1 : yMax);
    double yTop = yt[yt.length - 1];
    double[] xt = categoryLabels.isEmpty() ? ticks(xMin, xMax) : null;
    double x0 = xt == null ? xMin : Math.min(xMin, xt[0]);
    double x1 = xt == null ? xMax : Math.max(xMax, xt[xt.length - 1]);
    StringBuilder sb = new StringBuilder(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" role=\"img\"><title>%s</title>", width + left + 230, h + top + 46,
        esc(title)));
    sb.append(f("<text x=\"%d\" y=\"14\" font-size=\"12\" font-weight=\"bold\">%s</text>", left,
        esc(title)));
    axisY(sb, yt, yTop, left, top, h, left + width);
    if (xt != null) {
      for (double t : xt) {
        double x = left + width * (t - x0) / (x1 - x0);
        sb.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>", x,
            top + h, x, top + h + 4));
        sb.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%s</text>",
            x, top + h + 15, esc(tickLabel(t))));
      }
    } else {
      for (int i = 0; i < categoryLabels.size(); i++) {
        double x = left + width * (i - x0) / (x1 - x0);
        sb.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%s</text>",
            x, top + h + 15, esc(categoryLabels.get(i))));
      }
    }
    sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
        left + width / 2, top + h + 32, esc(xLabel)));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String c = color(i, series.size());
      List<String> pts = new ArrayList<>();
      for (double[] p : s.points()) {
        if (Double.isNaN(p[1])) {
          continue;
        }
        double x = left + width * (p[0] - x0) / (x1 - x0);
        double y = top + h * (1 - p[1] / yTop);
        pts.add(f("%.1f,%.1f", x, y));
        if (p.length > 2 && !Double.isNaN(p[2])) {
          double lo = top + h * (1 - Math.max(0, p[1] - p[2]) / yTop);
          double hi = top + h * (1 - (p[1] + p[2]) / yTop);
          sb.append(f("<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"%s\"/>",
              x, lo, hi, x - 4, hi, x + 4, x - 4, lo, x + 4, c));
        }
      }
      if (pts.size() == 1) {
        String[] xy = pts.get(0).split(",");
        sb.append(f("<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>", xy[0], xy[1], c));
      }
      sb.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>", c,
          String.join(" ", pts)));
      sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>",
          left + width + 10, top + 10 + 16 * i, c, esc(s.label())));
    }
    return sb.append("</svg>").toString();
  }

  private static void axisY(StringBuilder sb, double[] ticks, double top, int left, int y0,
      int h, int right) {
    sb.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, y0 + h,
        right, y0 + h));
    sb.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, y0, left,
        y0 + h));
    for (double t : ticks) {
      double y = y0 + h * (1 - t / top);
      sb.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", left,
          y, right, y));
      sb.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"9\" text-anchor=\"end\">%s</text>",
          left - 4, y + 3, esc(tickLabel(t))));
    }
  }

  /** "Nice" ticks covering {@code [lo, hi]}: steps of 1, 2 or 5 times a power of ten. */
  static double[] ticks(double lo, double hi) {
    double span = hi - lo;
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag
        : 10 * mag;
    double first = Math.floor(lo / step) * step;
    List<Double> out = new ArrayList<>();
    for (double t = first; t < hi + step * 0.999; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** 0.25, 12, 35k, 2.1M, 4G: short, with decimal prefixes from ten thousand up. */
  static String tickLabel(double t) {
    double a = Math.abs(t);
    if (a >= 1e9) {
      return trim(t / 1e9) + "G";
    }
    if (a >= 1e6) {
      return trim(t / 1e6) + "M";
    }
    if (a >= 1e4) {
      return trim(t / 1e3) + "k";
    }
    return trim(t);
  }

  private static String trim(double v) {
    String s = f("%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
