package org.vfsim.cli;

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
 * A comparison's results and what is written from them: a text table for the terminal, CSV
 * (one row per run; {@code summary.csv} one per group), JSON (everything, including extents,
 * histograms, rounds, the study summary and provenance), and the HTML page ({@link HtmlReport}).
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
  String label(int i) {
    return study ? runs.get(i).group() + " seed " + runs.get(i).seed()
        : results.get(i).variant().label();
  }

  List<String> warnings() {
    return warnings;
  }

  String workload() {
    return workload;
  }

  String description() {
    return description;
  }

  StudyPlan plan() {
    return plan;
  }

  List<RunSpec> runs() {
    return runs;
  }

  List<VariantResult> results() {
    return results;
  }

  StudySummary summary() {
    return summary;
  }

  Provenance provenance() {
    return provenance;
  }

  /** Whether this is a study (several seeds or a sweep) rather than one run per variant. */
  boolean isStudy() {
    return study;
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static double ms(long nanos) {
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
    sb.append(f("workload %s (%s, device %d MiB%s): %s%n", workload, seedsText(),
        plan.deviceBytes() >> 20, provenance.dataless()
            ? ", dataless: file data not stored, cold reads return zeros" : "", description));
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
  String seedsText() {
    List<Long> seeds = plan.seeds();
    return seeds.size() == 1 ? "seed " + seeds.get(0) : seeds.size() + " seeds " + seeds;
  }

  /**
   * The runs whose details (disk maps, histograms, counters) are shown: the first seed of each
   * group. All runs are in report.json.
   */
  List<Integer> representatives() {
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
        .append(",\"dataless\":").append(provenance.dataless())
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
    Files.writeString(html, new HtmlReport(this).html(), StandardCharsets.UTF_8);
    return List.of(csv, summaryCsv, json, html);
  }
}
