package org.vfsim.cli;

import com.google.common.annotations.VisibleForTesting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vfsim.fs.FiemapExtent;

/**
 * The comparison as a self-contained HTML page: the summary (with error bars in a study), every
 * run's figures, charts against a swept value, aging curves, and per variant a disk map (one
 * scale for all), the free-space histogram, the counters and the cold read's seeks; then the
 * provenance. Charts are inline SVG, so the page opens without a network.
 */
final class HtmlReport {
  private final ComparisonReport report;
  private final StudyPlan plan;
  private final List<RunSpec> runs;
  private final List<VariantResult> results;
  private final StudySummary summary;
  private final boolean study;

  HtmlReport(ComparisonReport report) {
    this.report = report;
    this.plan = report.plan();
    this.runs = report.runs();
    this.results = report.results();
    this.summary = report.summary();
    this.study = report.isStudy();
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  private static double ms(long nanos) {
    return ComparisonReport.ms(nanos);
  }

  private String label(int i) {
    return report.label(i);
  }

  private List<Integer> representatives() {
    return report.representatives();
  }

  private static String esc(String s) {
    return StudyCharts.esc(s);
  }

  private static String color(int i, int n) {
    return StudyCharts.color(i, n);
  }

  /**
   * Each file's extents along the disk, one row per file (at most 40 files drawn). When the files
   * sit in under a quarter of the device the axis zooms to the blocks they use (with a margin),
   * so that a few megabytes on a large device are not one sliver; the axis labels give the range.
   */
  private static String diskMap(VariantResult r, long[] range) {
    int width = 900;
    int rowH = 10;
    List<VariantResult.FileLayout> files = r.files().subList(0, Math.min(40, r.files().size()));
    int height = 20 + rowH * Math.max(1, files.size());
    long bs = r.blockSize();
    long first = range[0];
    double spanBytes = (double) (range[1] - range[0]) * bs;
    boolean zoomed = range[0] > 0 || range[1] < r.deviceBlocks();
    StringBuilder sb = new StringBuilder(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" role=\"img\"><title>%s: each file's extents along the disk%s</title>",
        width + 120, height, esc(r.variant().label()),
        zoomed ? f(" (blocks %d to %d of %d)", range[0], range[1], r.deviceBlocks()) : ""));
    sb.append(f("<rect x=\"110\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>", width,
        height - 14));
    for (int i = 0; i < files.size(); i++) {
      VariantResult.FileLayout fl = files.get(i);
      int y = i * rowH;
      sb.append(f("<text x=\"105\" y=\"%d\" font-size=\"8\" text-anchor=\"end\">%s</text>",
          y + 8, esc(fl.name())));
      for (FiemapExtent e : fl.extents()) {
        double x = 110 + width * (e.physical() - first * bs) / spanBytes;
        double w = Math.max(1, width * e.length() / spanBytes);
        sb.append(f("<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>%s"
            + " logical %d physical %d length %d</title></rect>", x, y + 1, w, rowH - 2,
            color(i, files.size()), esc(fl.name()), e.logical(), e.physical(), e.length()));
      }
    }
    sb.append(f("<text x=\"110\" y=\"%d\" font-size=\"9\">block %d</text>", height - 3,
        range[0]));
    sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%s</text>",
        110 + width / 2, height - 3, zoomed ? f("zoomed: the device has %d blocks",
            r.deviceBlocks()) : ""));
    sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">block %d</text>",
        110 + width, height - 3, range[1]));
    return sb.append("</svg>").toString();
  }

  /** One block range for every variant's disk map, so that they compare by eye. */
  private long[] commonDiskRange() {
    List<VariantResult.FileLayout> all = new ArrayList<>();
    long blocks = 0;
    long bs = 1;
    for (int i : representatives()) {
      VariantResult r = results.get(i);
      if (r.ok() && r.deviceBlocks() > 0) {
        all.addAll(r.files().subList(0, Math.min(40, r.files().size())));
        blocks = Math.max(blocks, r.deviceBlocks());
        bs = r.blockSize();
      }
    }
    return drawnBlockRange(all, Math.max(blocks, 1), bs);
  }

  /**
   * The block range {@code [from, to)} the disk map shows: the whole device, or, when the drawn
   * extents span less than a quarter of it, their span widened by a tenth on each side.
   */
  @VisibleForTesting
  static long[] drawnBlockRange(List<VariantResult.FileLayout> files, long deviceBlocks,
      long blockSize) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (VariantResult.FileLayout fl : files) {
      for (FiemapExtent e : fl.extents()) {
        lo = Math.min(lo, e.physical() / blockSize);
        hi = Math.max(hi, (e.physical() + e.length() + blockSize - 1) / blockSize);
      }
    }
    if (lo > hi || (hi - lo) * 4 >= deviceBlocks) {
      return new long[] {0, deviceBlocks};
    }
    long pad = Math.max(8, (hi - lo) / 10);
    return new long[] {Math.max(0, lo - pad), Math.min(deviceBlocks, hi + pad)};
  }

  /** Free extents per power-of-two size bucket, as bars. */
  private static String freeHistogram(VariantResult r) {
    int maxK = 0;
    long maxCount = 1;
    for (int k = 0; k < 64; k++) {
      if (r.freeExtentsByBucket()[k] > 0) {
        maxK = k;
        maxCount = Math.max(maxCount, r.freeExtentsByBucket()[k]);
      }
    }
    int bar = 26;
    int h = 120;
    StringBuilder sb = new StringBuilder(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" role=\"img\"><title>%s: free extents by size</title>",
        40 + bar * (maxK + 1), h + 30, esc(r.variant().label())));
    for (int k = 0; k <= maxK; k++) {
      long c = r.freeExtentsByBucket()[k];
      int bh = (int) Math.round((double) h * c / maxCount);
      sb.append(f("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7ab5\"><title>"
          + "%d..%d blocks: %d extents, %d blocks</title></rect>", 30 + k * bar, h - bh + 5,
          bar - 4, bh, 1L << k, (1L << (k + 1)) - 1, c, r.freeBlocksByBucket()[k]));
      sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"8\" text-anchor=\"middle\">2^%d</text>",
          30 + k * bar + bar / 2 - 2, h + 18, k));
    }
    sb.append(f("<text x=\"2\" y=\"12\" font-size=\"9\">%d</text>", maxCount));
    return sb.append("</svg>").toString();
  }

  /** One metric of the representative runs against rounds or bytes written: an aging curve. */
  private String agingCurve(String title,
      java.util.function.ToDoubleFunction<VariantResult.RoundSample> metric, boolean byBytes) {
    List<StudyCharts.Series> series = new ArrayList<>();
    for (int i : representatives()) {
      VariantResult r = results.get(i);
      if (!r.ok() || r.rounds().isEmpty()) {
        continue;
      }
      List<double[]> pts = new ArrayList<>();
      for (VariantResult.RoundSample s : r.rounds()) {
        pts.add(new double[] {byBytes ? s.appBytesWritten() : s.round(),
            metric.applyAsDouble(s)});
      }
      series.add(new StudyCharts.Series(runs.get(i).group(), pts));
    }
    return StudyCharts.lines(title, byBytes ? "bytes written by the workload" : "round", series,
        List.of());
  }

  /** Each headline metric against the swept value, one line per variant, with 95% intervals. */
  private String sweepCharts() {
    Sweep sweep = plan.sweep();
    if (sweep == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("<h2>Against " + esc(sweep.name()) + "</h2>\n");
    List<String> values = sweep.values();
    for (StudySummary.Metric m : StudySummary.METRICS) {
      List<StudyCharts.Series> series = new ArrayList<>();
      for (Variant v : plan.variants()) {
        List<double[]> pts = new ArrayList<>();
        for (StudySummary.Group g : summary.groups()) {
          if (g.name().equals(v.label() + " @ " + sweep.label(g.sweepValue()))) {
            MetricStats st = g.stats().get(m.key());
            pts.add(new double[] {values.indexOf(g.sweepValue()), st.mean(), st.ci95()});
          }
        }
        series.add(new StudyCharts.Series(v.label(), pts));
      }
      sb.append(StudyCharts.lines(m.title() + " against " + sweep.name(), sweep.name(), series,
          values)).append('\n');
    }
    return sb.toString();
  }

  String html() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>vfsim compare: ").append(esc(report.workload())).append("</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}.failed{color:#b00}</style>")
        .append("</head><body>\n<h1>vfsim compare: ").append(esc(report.workload())).append("</h1>\n<p>")
        .append(esc(report.description())).append(f(" &mdash; %s, device %d MiB%s.</p>\n", report.seedsText(),
            plan.deviceBytes() >> 20, report.provenance().dataless()
                ? ", dataless (file data not stored)" : ""));
    for (String w : report.warnings()) {
      sb.append("<p class=\"failed\"><b>Warning:</b> ").append(esc(w)).append("</p>\n");
    }
    sb.append(StudyCharts.headline(summary, study));
    sb.append("<h2>All runs</h2>\n<div style=\"overflow-x:auto\"><table><tr>");
    for (String c : ComparisonReport.CSV_COLUMNS) {
      if (!c.endsWith("_options") && !c.equals("fs")) {
        sb.append("<th>").append(esc(c)).append("</th>");
      }
    }
    sb.append("</tr>\n");
    String[] lines = report.csv().split("\n");
    for (int i = 1; i < lines.length; i++) {
      VariantResult r = results.get(i - 1);
      sb.append(r.ok() ? "<tr>" : "<tr class=\"failed\">");
      if (!r.ok()) {
        sb.append("<td>").append(esc(label(i - 1))).append("</td><td colspan=\"23\">")
            .append("failed: ").append(esc(r.failure())).append("</td></tr>\n");
        continue;
      }
      List<String> cells = parseCsvLine(lines[i]);
      for (int c = 0; c < cells.size(); c++) {
        String col = ComparisonReport.CSV_COLUMNS[c];
        if (!col.endsWith("_options") && !col.equals("fs")) {
          sb.append("<td>").append(esc(cells.get(c))).append("</td>");
        }
      }
      sb.append("</tr>\n");
    }
    sb.append("</table></div>\n").append(sweepCharts());
    sb.append("<h2>Aging</h2>\n<p>Sampled at the end of every round")
        .append(study ? " of the first seed of each group" : "").append(".</p>\n")
        .append(agingCurve("layout score", VariantResult.RoundSample::layoutScore, false))
        .append('\n')
        .append(agingCurve("extents (filefrag count, all files)", s -> s.extents(), false))
        .append('\n')
        .append(agingCurve("free extents", s -> s.freeExtents(), false)).append('\n')
        .append(agingCurve("write amplification so far",
            VariantResult.RoundSample::writeAmplification, true)).append('\n')
        .append(agingCurve("HDD device time so far (ms)", s -> ms(s.hddNanos()), true))
        .append('\n')
        .append(agingCurve("modelled HDD cold read of the files so far (ms)",
            s -> ms(s.coldReadModelNanos()), true)).append('\n');
    long[] scale = commonDiskRange();
    sb.append("<h2>Per variant</h2>\n<p>Disk maps share one scale: blocks ").append(scale[0])
        .append(" to ").append(scale[1]).append(".</p>\n");
    for (int i : representatives()) {
      VariantResult r = results.get(i);
      if (!r.ok()) {
        continue;
      }
      sb.append("<h2>").append(esc(study ? label(i) : r.variant().label())).append("</h2>\n")
          .append("<h3>Files along the disk</h3>\n").append(diskMap(r, scale)).append('\n')
          .append("<h3>Free space (extents by size in blocks, as e2freefrag buckets them)</h3>\n")
          .append(freeHistogram(r)).append('\n').append("<h3>Allocator counters</h3>\n<table>");
      r.counters().forEach((k, v) -> sb.append("<tr><td>").append(esc(k)).append("</td><td>")
          .append(v).append("</td></tr>"));
      sb.append("</table>\n<h3>Cold read seek distances</h3>\n<table><tr><th>distance (blocks)"
          + "</th><th>seeks</th></tr>");
      for (int k = 0; k < 64; k++) {
        long c = r.coldReadSeekHistogram()[k];
        if (c > 0) {
          sb.append(f("<tr><td>%d..%d</td><td>%d</td></tr>", k == 0 ? 0 : 1L << k,
              (1L << (k + 1)) - 1, c));
        }
      }
      sb.append("</table>\n");
    }
    sb.append("<h2>Provenance</h2>\n<ul>");
    for (String line : report.provenance().lines()) {
      sb.append("<li>").append(esc(line)).append("</li>");
    }
    return sb.append("</ul>\n</body></html>\n").toString();
  }

  private static List<String> parseCsvLine(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
