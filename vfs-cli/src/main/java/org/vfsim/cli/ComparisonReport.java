package org.vfsim.cli;

import com.google.common.annotations.VisibleForTesting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FiemapExtent;

/**
 * The comparison's outputs: a text table for the terminal, CSV (one row per variant), JSON
 * (everything, including extents, histograms and rounds), and a self-contained HTML page whose
 * charts are inline SVG, so it opens in a browser without a network.
 */
final class ComparisonReport {
  static final String[] CSV_COLUMNS = {"variant", "fs", "mkfs_options", "mount_options",
      "status", "files", "extents", "extents_per_file", "layout_score", "free_extents",
      "free_blocks", "largest_free_bucket_blocks", "write_amplification", "space_amplification",
      "app_bytes_written", "device_bytes_written", "data_bytes_written",
      "metadata_bytes_written", "allocated_bytes", "referenced_bytes", "hdd_write_ms",
      "ssd_write_ms", "hdd_cold_read_ms", "ssd_cold_read_ms", "cold_read_seeks", "fsck_problems",
      "lockdep_reports", "group", "seed", "sweep", "device_bytes"};

  private final String workload;
  private final String description;
  private final StudyPlan plan;
  private final List<RunSpec> runs;
  private final List<VariantResult> results;
  private final StudySummary summary;
  private final Provenance provenance;
  private final List<String> warnings;
  private final boolean study;

  /**
   * @param runs the plan's runs, parallel to {@code results}
   * @param baseline the group headline metrics are shown relative to, or null
   */
  ComparisonReport(String workload, String description, StudyPlan plan, List<RunSpec> runs,
      List<VariantResult> results, Provenance provenance, @Nullable String baseline) {
    this.workload = workload;
    this.description = description;
    this.plan = plan;
    this.runs = List.copyOf(runs);
    this.results = List.copyOf(results);
    this.summary = new StudySummary(runs, results, baseline);
    this.provenance = provenance;
    this.warnings = StudyWarnings.of(runs, results);
    this.study = plan.seeds().size() > 1 || plan.sweep() != null;
  }

  /** A run's row label: the variant, and in a study its sweep point and seed. */
  private String label(int i) {
    return study ? runs.get(i).group() + " seed " + runs.get(i).seed()
        : results.get(i).variant().label();
  }

  List<String> warnings() {
    return warnings;
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static long largestBucket(VariantResult r) {
    for (int k = 63; k >= 0; k--) {
      if (r.freeExtentsByBucket()[k] > 0) {
        return 1L << k;
      }
    }
    return 0;
  }

  // ---- text ----------------------------------------------------------------------------------

  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(f("workload %s (%s, device %d MiB): %s%n", workload, seedsText(),
        plan.deviceBytes() >> 20, description));
    String head = f("%-28s %6s %7s %8s %6s %9s %6s %6s %10s %10s %10s %6s%n", "variant", "files",
        "extents", "ext/file", "layout", "free-ext", "WA", "SA", "HDD-w ms", "SSD-w ms",
        "cold-HDD", "seeks");
    sb.append(head);
    for (int i = 0; i < results.size(); i++) {
      VariantResult r = results.get(i);
      if (!r.ok()) {
        sb.append(f("%-28s FAILED: %s%n", label(i), r.failure()));
        continue;
      }
      sb.append(f("%-28s %6d %7s %8s %6s %9d %6.2f %6.2f %10.1f %10.1f %10.1f %6d%n",
          label(i), r.files().size(), r.hasFiemap() ? r.extents() : "-",
          r.hasFiemap() ? f("%.2f", r.extentsPerFile()) : "-",
          Double.isNaN(r.layoutScore()) || !r.hasFiemap() ? "-" : f("%.3f", r.layoutScore()),
          r.freeExtents(),
          r.writeAmplification(), r.spaceAmplification(),
          ms(r.hddWriteNanos()), ms(r.ssdWriteNanos()), ms(r.hddColdReadNanos()),
          r.coldReadSeeks()));
      for (String problem : r.fsckProblems()) {
        sb.append(f("%-28s   fsck: %s%n", "", problem));
      }
      if (r.lockdepReports() > 0) {
        sb.append(f("%-28s   lockdep: %d reports (vfsim io's lockdep command shows them)%n", "",
            r.lockdepReports()));
      }
    }
    for (int i : representatives()) {
      VariantResult r = results.get(i);
      if (r.ok() && r.deviceBlocks() > 0) {
        sb.append('\n').append(freeFrag(r));
        sb.append("cold read seeks by distance (blocks):");
        long[] h = r.coldReadSeekHistogram();
        for (int k = 0; k < h.length; k++) {
          if (h[k] > 0) {
            sb.append(f(" %s:%d", k == 0 ? "0-1" : (1L << k) + "-" + ((1L << (k + 1)) - 1), h[k]));
          }
        }
        sb.append('\n');
        if (!r.counters().isEmpty()) {
          sb.append("counters:");
          r.counters().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
          sb.append('\n');
        }
      }
    }
    if (study) {
      sb.append(summary.table());
    }
    for (String w : warnings) {
      sb.append("warning: ").append(w).append('\n');
    }
    return sb.toString();
  }

  /** "seed 7", or "seeds 1..5" style for a study. */
  private String seedsText() {
    List<Long> seeds = plan.seeds();
    return seeds.size() == 1 ? "seed " + seeds.get(0) : seeds.size() + " seeds " + seeds;
  }

  /**
   * The runs whose details (disk maps, histograms, counters) are shown: the first seed of each
   * group. All runs are in report.json.
   */
  private List<Integer> representatives() {
    List<Integer> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      if (seen.add(runs.get(i).group())) {
        out.add(i);
      }
    }
    return out;
  }

  private static String unit(long bytes) {
    String units = "KMGTPE";
    long v = bytes >> 10;
    int u = 0;
    while (v >= 1024 && u < units.length() - 1) {
      v >>= 10;
      u++;
    }
    return f("%5d%c", v, units.charAt(u));
  }

  /** The free-space histogram of one variant as {@code e2freefrag} prints it. */
  static String freeFrag(VariantResult r) {
    StringBuilder sb = new StringBuilder();
    long n = r.freeExtents();
    long free = r.freeBlocks();
    sb.append(f("%s: free blocks: %d of %d (%.1f%%), %d free extents%n", r.variant().label(),
        free, r.deviceBlocks(), r.deviceBlocks() == 0 ? 0.0 : 100.0 * free / r.deviceBlocks(),
        n));
    if (n == 0) {
      return sb.toString();
    }
    sb.append("HISTOGRAM OF FREE EXTENT SIZES:\n");
    sb.append("Extent Size Range :  Free extents   Free Blocks  Percent\n");
    for (int k = 0; k < 64; k++) {
      long c = r.freeExtentsByBucket()[k];
      if (c == 0) {
        continue;
      }
      long lo = (long) r.blockSize() << k;
      sb.append(f("%s...%s-  :  %12d  %12d  %6.2f%%%n", unit(lo), unit(lo << 1), c,
          r.freeBlocksByBucket()[k], 100.0 * r.freeBlocksByBucket()[k] / free));
    }
    return sb.toString();
  }

  // ---- CSV -----------------------------------------------------------------------------------

  private static String csvField(String s) {
    return CsvText.field(s);
  }

  String csv() {
    StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
    for (int i = 0; i < results.size(); i++) {
      VariantResult r = results.get(i);
      List<String> row = new ArrayList<>(List.of(label(i), r.variant().fs(),
          r.variant().mkfsOptions(), r.variant().mountOptions(),
          r.ok() ? "ok" : "failed: " + r.failure()));
      if (r.ok()) {
        boolean fm = r.hasFiemap();
        row.addAll(List.of(String.valueOf(r.files().size()), fm ? String.valueOf(r.extents()) : "",
            fm ? f("%.4f", r.extentsPerFile()) : "",
            Double.isNaN(r.layoutScore()) || !fm ? "" : f("%.4f", r.layoutScore()),
            String.valueOf(r.freeExtents()), String.valueOf(r.freeBlocks()),
            String.valueOf(largestBucket(r)), f("%.4f", r.writeAmplification()),
            f("%.4f", r.spaceAmplification()), String.valueOf(r.appBytesWritten()),
            String.valueOf(r.deviceBytesWritten()), String.valueOf(r.dataBytesWritten()),
            String.valueOf(r.metadataBytesWritten()), String.valueOf(r.allocatedBytes()),
            String.valueOf(r.referencedBytes()), f("%.3f", ms(r.hddWriteNanos())),
            f("%.3f", ms(r.ssdWriteNanos())), f("%.3f", ms(r.hddColdReadNanos())),
            f("%.3f", ms(r.ssdColdReadNanos())), String.valueOf(r.coldReadSeeks()),
            String.valueOf(r.fsckProblems().size()), String.valueOf(r.lockdepReports())));
      } else {
        while (row.size() < CSV_COLUMNS.length - 4) {
          row.add("");
        }
      }
      RunSpec run = runs.get(i);
      row.addAll(List.of(run.group(), String.valueOf(run.seed()),
          run.sweepValue() == null ? "" : run.sweepValue(), String.valueOf(run.deviceBytes())));
      sb.append(String.join(",", row.stream().map(ComparisonReport::csvField).toList()))
          .append('\n');
    }
    return sb.toString();
  }

  // ---- JSON ----------------------------------------------------------------------------------

  private static String jstr(String s) {
    return JsonText.str(s);
  }

  private static String jnum(double d) {
    return JsonText.num(d);
  }


  private static String histogram(long[] counts, long[] blocks) {
    List<String> items = new ArrayList<>();
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] > 0) {
        items.add(f("{\"minBlocks\":%d,\"maxBlocks\":%d,\"count\":%d%s}", 1L << k,
            (1L << (k + 1)) - 1, counts[k], blocks == null ? "" : ",\"blocks\":" + blocks[k]));
      }
    }
    return "[" + String.join(",", items) + "]";
  }

  String json() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"workload\":").append(jstr(workload)).append(",\"description\":")
        .append(jstr(description)).append(",\"seed\":").append(plan.seeds().get(0))
        .append(",\"seeds\":").append(plan.seeds())
        .append(",\"sweep\":").append(plan.sweep() == null ? "null"
            : jstr(plan.sweep().kind().name().toLowerCase(Locale.ROOT) + ":" + plan.sweep().name()))
        .append(",\"deviceBytes\":").append(plan.deviceBytes())
        .append(",\"provenance\":").append(provenance.json())
        .append(",\"warnings\":[")
        .append(String.join(",", warnings.stream().map(ComparisonReport::jstr).toList()))
        .append("],\n\"summary\":").append(summary.json()).append(",\"variants\":[");
    for (int i = 0; i < results.size(); i++) {
      VariantResult r = results.get(i);
      RunSpec run = runs.get(i);
      sb.append(i == 0 ? "" : ",").append("\n{\"variant\":").append(jstr(label(i)))
          .append(",\"group\":").append(jstr(run.group()))
          .append(",\"runSeed\":").append(run.seed())
          .append(",\"sweepValue\":").append(run.sweepValue() == null ? "null"
              : jstr(run.sweepValue()))
          .append(",\"runDeviceBytes\":").append(run.deviceBytes())
          .append(",\"fs\":").append(jstr(r.variant().fs()))
          .append(",\"mkfsOptions\":").append(jstr(r.variant().mkfsOptions()))
          .append(",\"mountOptions\":").append(jstr(r.variant().mountOptions()))
          .append(",\"status\":").append(jstr(r.ok() ? "ok" : "failed"));
      if (!r.ok()) {
        sb.append(",\"failure\":").append(jstr(r.failure())).append('}');
        continue;
      }
      sb.append(",\"blockSize\":").append(r.blockSize())
          .append(",\"deviceBlocks\":").append(r.deviceBlocks())
          .append(",\"files\":").append(r.files().size())
          .append(",\"extents\":").append(r.hasFiemap() ? String.valueOf(r.extents()) : "null")
          .append(",\"extentsPerFile\":")
          .append(r.hasFiemap() ? jnum(r.extentsPerFile()) : "null")
          .append(",\"layoutScore\":").append(r.hasFiemap() ? jnum(r.layoutScore()) : "null")
          .append(r.hasFiemap() ? "" : ",\"layoutUnavailable\":" + jstr(VariantResult.NO_FIEMAP))
          .append(",\"layoutNumerator\":").append(r.layoutNumerator())
          .append(",\"layoutDenominator\":").append(r.layoutDenominator())
          .append(",\"writeAmplification\":").append(jnum(r.writeAmplification()))
          .append(",\"spaceAmplification\":").append(jnum(r.spaceAmplification()))
          .append(",\"appBytesWritten\":").append(r.appBytesWritten())
          .append(",\"deviceBytesWritten\":").append(r.deviceBytesWritten())
          .append(",\"dataBytesWritten\":").append(r.dataBytesWritten())
          .append(",\"metadataBytesWritten\":").append(r.metadataBytesWritten())
          .append(",\"allocatedBytes\":").append(r.allocatedBytes())
          .append(",\"referencedBytes\":").append(r.referencedBytes())
          .append(",\"deviceTimeMs\":{\"hddWrite\":").append(jnum(ms(r.hddWriteNanos())))
          .append(",\"ssdWrite\":").append(jnum(ms(r.ssdWriteNanos())))
          .append(",\"hddColdRead\":").append(jnum(ms(r.hddColdReadNanos())))
          .append(",\"ssdColdRead\":").append(jnum(ms(r.ssdColdReadNanos()))).append('}')
          .append(",\"freeSpaceHistogram\":")
          .append(histogram(r.freeExtentsByBucket(), r.freeBlocksByBucket()))
          .append(",\"coldReadSeeks\":").append(r.coldReadSeeks())
          .append(",\"fsckProblems\":[")
          .append(String.join(",", r.fsckProblems().stream().map(ComparisonReport::jstr).toList()))
          .append("],\"lockdepReports\":").append(r.lockdepReports())
          .append(",\"coldReadSeekHistogram\":")
          .append(histogram(r.coldReadSeekHistogram(), null))
          .append(",\"counters\":{");
      List<String> cs = new ArrayList<>();
      for (Map.Entry<String, Long> e : r.counters().entrySet()) {
        cs.add(jstr(e.getKey()) + ":" + e.getValue());
      }
      sb.append(String.join(",", cs)).append("},\"rounds\":[");
      List<String> rs = new ArrayList<>();
      for (VariantResult.RoundSample s : r.rounds()) {
        rs.add(f("{\"round\":%d,\"layoutScore\":%s,\"extents\":%d,\"freeExtents\":%d,"
            + "\"appBytesWritten\":%d,\"deviceBytesWritten\":%d,\"writeAmplification\":%s,"
            + "\"hddMs\":%s,\"coldReadModelMs\":%s}", s.round(), jnum(s.layoutScore()),
            s.extents(), s.freeExtents(), s.appBytesWritten(), s.deviceBytesWritten(),
            jnum(s.writeAmplification()), jnum(ms(s.hddNanos())),
            jnum(ms(s.coldReadModelNanos()))));
      }
      sb.append(String.join(",", rs)).append("],\"fileLayouts\":[");
      List<String> fs = new ArrayList<>();
      for (VariantResult.FileLayout fl : r.files()) {
        List<String> ex = new ArrayList<>();
        for (FiemapExtent e : fl.extents()) {
          ex.add(f("[%d,%d,%d,%d]", e.logical(), e.physical(), e.length(), e.flags()));
        }
        fs.add("{\"name\":" + jstr(fl.name()) + ",\"size\":" + fl.size() + ",\"extents\":"
            + fl.fragments() + ",\"layoutScore\":" + jnum(fl.layoutScore())
            + ",\"fiemap\":[" + String.join(",", ex) + "]}");
      }
      sb.append(String.join(",", fs)).append("]}");
    }
    return sb.append("\n]}\n").toString();
  }

  // ---- HTML ----------------------------------------------------------------------------------

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String color(int i, int n) {
    return f("hsl(%d,65%%,45%%)", (int) (360.0 * i / Math.max(1, n)));
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
        .append("<title>vfsim compare: ").append(esc(workload)).append("</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}.failed{color:#b00}</style>")
        .append("</head><body>\n<h1>vfsim compare: ").append(esc(workload)).append("</h1>\n<p>")
        .append(esc(description)).append(f(" &mdash; %s, device %d MiB.</p>\n", seedsText(),
            plan.deviceBytes() >> 20));
    for (String w : warnings) {
      sb.append("<p class=\"failed\"><b>Warning:</b> ").append(esc(w)).append("</p>\n");
    }
    sb.append(StudyCharts.headline(summary, study));
    sb.append("<h2>All runs</h2>\n<table><tr>");
    for (String c : CSV_COLUMNS) {
      if (!c.endsWith("_options") && !c.equals("fs")) {
        sb.append("<th>").append(esc(c)).append("</th>");
      }
    }
    sb.append("</tr>\n");
    String[] lines = csv().split("\n");
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
        String col = CSV_COLUMNS[c];
        if (!col.endsWith("_options") && !col.equals("fs")) {
          sb.append("<td>").append(esc(cells.get(c))).append("</td>");
        }
      }
      sb.append("</tr>\n");
    }
    sb.append("</table>\n").append(sweepCharts());
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
    for (String line : provenance.lines()) {
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

  /**
   * Writes report.csv (one row per run), summary.csv (one row per group), report.json and
   * report.html into {@code dir}; returns their paths.
   */
  List<Path> writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("report.csv");
    Path summaryCsv = dir.resolve("summary.csv");
    Path json = dir.resolve("report.json");
    Path html = dir.resolve("report.html");
    Files.writeString(csv, csv(), StandardCharsets.UTF_8);
    Files.writeString(summaryCsv, summary.csv(), StandardCharsets.UTF_8);
    Files.writeString(json, json(), StandardCharsets.UTF_8);
    Files.writeString(html, html(), StandardCharsets.UTF_8);
    return List.of(csv, summaryCsv, json, html);
  }
}
