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
      "lockdep_reports"};

  private final String workload;
  private final String description;
  private final long seed;
  private final long deviceBytes;
  private final List<VariantResult> results;
  private final boolean dataless;

  ComparisonReport(String workload, String description, long seed, long deviceBytes,
      List<VariantResult> results) {
    this(workload, description, seed, deviceBytes, results, false);
  }

  /** {@code dataless}: the devices stored no file data (the report says so). */
  ComparisonReport(String workload, String description, long seed, long deviceBytes,
      List<VariantResult> results, boolean dataless) {
    this.dataless = dataless;
    this.workload = workload;
    this.description = description;
    this.seed = seed;
    this.deviceBytes = deviceBytes;
    this.results = List.copyOf(results);
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
    sb.append(f("workload %s (seed %d, device %d MiB%s): %s%n", workload, seed, deviceBytes >> 20,
        dataless ? ", dataless: file data not stored, cold reads return zeros" : "",
        description));
    String head = f("%-28s %6s %7s %8s %6s %9s %6s %6s %10s %10s %10s %6s%n", "variant", "files",
        "extents", "ext/file", "layout", "free-ext", "WA", "SA", "HDD-w ms", "SSD-w ms",
        "cold-HDD", "seeks");
    sb.append(head);
    for (VariantResult r : results) {
      if (!r.ok()) {
        sb.append(f("%-28s FAILED: %s%n", r.variant().label(), r.failure()));
        continue;
      }
      sb.append(f("%-28s %6d %7d %8.2f %6s %9d %6.2f %6.2f %10.1f %10.1f %10.1f %6d%n",
          r.variant().label(), r.files().size(), r.extents(), r.extentsPerFile(),
          Double.isNaN(r.layoutScore()) ? "-" : f("%.3f", r.layoutScore()), r.freeExtents(),
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
    for (VariantResult r : results) {
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
    return sb.toString();
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
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  String csv() {
    StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
    for (VariantResult r : results) {
      List<String> row = new ArrayList<>(List.of(r.variant().label(), r.variant().fs(),
          r.variant().mkfsOptions(), r.variant().mountOptions(),
          r.ok() ? "ok" : "failed: " + r.failure()));
      if (r.ok()) {
        row.addAll(List.of(String.valueOf(r.files().size()), String.valueOf(r.extents()),
            f("%.4f", r.extentsPerFile()),
            Double.isNaN(r.layoutScore()) ? "" : f("%.4f", r.layoutScore()),
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
        while (row.size() < CSV_COLUMNS.length) {
          row.add("");
        }
      }
      sb.append(String.join(",", row.stream().map(ComparisonReport::csvField).toList()))
          .append('\n');
    }
    return sb.toString();
  }

  // ---- JSON ----------------------------------------------------------------------------------

  private static String jstr(String s) {
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
            sb.append(f("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static String jnum(double d) {
    return Double.isFinite(d) ? f("%.6f", d) : "null";
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
        .append(jstr(description)).append(",\"seed\":").append(seed)
        .append(",\"deviceBytes\":").append(deviceBytes).append(",\"dataless\":").append(dataless)
        .append(",\"variants\":[");
    for (int i = 0; i < results.size(); i++) {
      VariantResult r = results.get(i);
      sb.append(i == 0 ? "" : ",").append("\n{\"variant\":").append(jstr(r.variant().label()))
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
          .append(",\"extents\":").append(r.extents())
          .append(",\"extentsPerFile\":").append(jnum(r.extentsPerFile()))
          .append(",\"layoutScore\":").append(jnum(r.layoutScore()))
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
        rs.add(f("{\"round\":%d,\"layoutScore\":%s,\"extents\":%d,\"freeExtents\":%d}",
            s.round(), jnum(s.layoutScore()), s.extents(), s.freeExtents()));
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
  private static String diskMap(VariantResult r) {
    int width = 900;
    int rowH = 10;
    List<VariantResult.FileLayout> files = r.files().subList(0, Math.min(40, r.files().size()));
    int height = 20 + rowH * Math.max(1, files.size());
    long bs = r.blockSize();
    long[] range = drawnBlockRange(files, r.deviceBlocks(), bs);
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

  /** One metric per round, one line per variant, on a 0..max scale. */
  private String roundsChart(String title,
      java.util.function.ToDoubleFunction<VariantResult.RoundSample> metric, boolean unitScale) {
    int width = 700;
    int h = 220;
    int maxRound = 1;
    double max = unitScale ? 1.0 : 0.0;
    for (VariantResult r : results) {
      for (VariantResult.RoundSample s : r.rounds()) {
        maxRound = Math.max(maxRound, s.round());
        max = Math.max(max, metric.applyAsDouble(s));
      }
    }
    if (max == 0) {
      max = 1;
    }
    StringBuilder sb = new StringBuilder(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" role=\"img\"><title>%s</title>", width + 220, h + 40, esc(title)));
    sb.append(f("<line x1=\"40\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", h + 10,
        width + 40, h + 10));
    sb.append(f("<line x1=\"40\" y1=\"10\" x2=\"40\" y2=\"%d\" stroke=\"#888\"/>", h + 10));
    sb.append(f("<text x=\"2\" y=\"14\" font-size=\"10\">%s</text>",
        unitScale ? "1.0" : f("%.0f", max)));
    sb.append(f("<text x=\"2\" y=\"%d\" font-size=\"10\">0</text>", h + 12));
    sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">round %d</text>",
        width + 40, h + 26, maxRound));
    for (int i = 0; i < results.size(); i++) {
      VariantResult r = results.get(i);
      if (!r.ok() || r.rounds().isEmpty()) {
        continue;
      }
      List<String> pts = new ArrayList<>();
      for (VariantResult.RoundSample s : r.rounds()) {
        pts.add(f("%.1f,%.1f", 40 + (double) width * s.round() / maxRound,
            10 + h * (1 - metric.applyAsDouble(s) / max)));
      }
      sb.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>",
          color(i, results.size()), String.join(" ", pts)));
      sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>", width + 50,
          20 + 16 * i, color(i, results.size()), esc(r.variant().label())));
    }
    return sb.append("</svg>").toString();
  }

  String html() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>vfsim compare: ").append(esc(workload)).append("</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}.failed{color:#b00}</style>")
        .append("</head><body>\n<h1>vfsim compare: ").append(esc(workload)).append("</h1>\n<p>")
        .append(esc(description)).append(f(" &mdash; seed %d, device %d MiB%s.</p>\n", seed,
            deviceBytes >> 20, dataless ? ", dataless (file data not stored)" : ""));
    sb.append("<h2>Summary</h2>\n<table><tr>");
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
        sb.append("<td>").append(esc(r.variant().label())).append("</td><td colspan=\"23\">")
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
    sb.append("</table>\n<h2>Layout score per round</h2>\n")
        .append(roundsChart("layout score per round", VariantResult.RoundSample::layoutScore, true))
        .append("\n<h2>Extents (filefrag count, all files) per round</h2>\n")
        .append(roundsChart("extents per round", s -> s.extents(), false))
        .append("\n<h2>Free extents per round</h2>\n")
        .append(roundsChart("free extents per round", s -> s.freeExtents(), false))
        .append('\n');
    for (VariantResult r : results) {
      if (!r.ok()) {
        continue;
      }
      sb.append("<h2>").append(esc(r.variant().label())).append("</h2>\n")
          .append("<h3>Files along the disk</h3>\n").append(diskMap(r)).append('\n')
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
    return sb.append("</body></html>\n").toString();
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

  /** Writes report.csv, report.json and report.html into {@code dir}; returns their paths. */
  List<Path> writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("report.csv");
    Path json = dir.resolve("report.json");
    Path html = dir.resolve("report.html");
    Files.writeString(csv, csv(), StandardCharsets.UTF_8);
    Files.writeString(json, json(), StandardCharsets.UTF_8);
    Files.writeString(html, html(), StandardCharsets.UTF_8);
    return List.of(csv, json, html);
  }
}
