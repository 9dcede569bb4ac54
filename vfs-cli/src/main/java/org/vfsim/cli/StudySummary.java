package org.vfsim.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The headline metrics of a study pooled per group (a variant at a sweep point) over its seeds:
 * mean, standard deviation and 95% confidence interval, optionally relative to a baseline
 * group. A single-seed study has n = 1 and no interval, and says so instead of inventing one.
 */
final class StudySummary {
  /** A headline metric: how it is named, printed and computed from one run. */
  record Metric(String key, String title, String format, ToDoubleFunction<VariantResult> of) {}

  static final List<Metric> METRICS = List.of(
      new Metric("extentsPerFile", "extents/file", "%.2f",
          r -> r.hasFiemap() ? r.extentsPerFile() : Double.NaN),
      new Metric("layoutScore", "layout", "%.3f",
          r -> r.hasFiemap() ? r.layoutScore() : Double.NaN),
      new Metric("freeExtents", "free extents", "%.0f", r -> r.freeExtents()),
      new Metric("writeAmplification", "WA", "%.3f", VariantResult::writeAmplification),
      new Metric("spaceAmplification", "SA", "%.3f", VariantResult::spaceAmplification),
      new Metric("hddWriteMs", "HDD write ms", "%.1f", r -> r.hddWriteNanos() / 1e6),
      new Metric("hddColdReadMs", "HDD cold read ms", "%.1f", r -> r.hddColdReadNanos() / 1e6),
      new Metric("files", "files", "%.1f", r -> r.files().size()));

  /** One group's statistics, metric by metric (in {@link #METRICS} order). */
  record Group(String name, @Nullable String sweepValue, int runs, int failed,
      Map<String, MetricStats> stats) {}

  private final List<Group> groups;
  private final @Nullable String baseline;

  StudySummary(List<RunSpec> runs, List<VariantResult> results, @Nullable String baseline) {
    Map<String, List<VariantResult>> byGroup = new LinkedHashMap<>();
    Map<String, String> sweepOf = new LinkedHashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      byGroup.computeIfAbsent(runs.get(i).group(), g -> new ArrayList<>()).add(results.get(i));
      sweepOf.put(runs.get(i).group(), runs.get(i).sweepValue());
    }
    List<Group> out = new ArrayList<>();
    byGroup.forEach((name, rs) -> {
      List<VariantResult> ok = rs.stream().filter(VariantResult::ok).toList();
      Map<String, MetricStats> stats = new LinkedHashMap<>();
      for (Metric m : METRICS) {
        stats.put(m.key(), MetricStats.of(ok.stream().mapToDouble(m.of()).toArray()));
      }
      out.add(new Group(name, sweepOf.get(name), rs.size(), rs.size() - ok.size(), stats));
    });
    this.groups = List.copyOf(out);
    this.baseline = baseline;
  }

  List<Group> groups() {
    return groups;
  }

  @Nullable Group baselineGroup() {
    if (baseline == null) {
      return null;
    }
    for (Group g : groups) {
      if (g.name().equals(baseline)) {
        return g;
      }
    }
    return null;
  }

  /** {@code mean / baseline mean} of a metric, or NaN. */
  double relative(Group g, String key) {
    Group b = baselineGroup();
    if (b == null) {
      return Double.NaN;
    }
    double base = b.stats().get(key).mean();
    return base == 0 || Double.isNaN(base) ? Double.NaN : g.stats().get(key).mean() / base;
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  /** The terminal table: mean ± 95% CI per group and metric, and ratios to the baseline. */
  String table() {
    StringBuilder sb = new StringBuilder(f("%nsummary over seeds (mean ± 95%% CI)%s:%n",
        baseline == null ? "" : ", ×baseline in brackets (baseline " + baseline + ")"));
    sb.append(f("%-36s %4s", "group", "n"));
    for (Metric m : METRICS) {
      sb.append(f(" %22s", m.title()));
    }
    sb.append('\n');
    for (Group g : groups) {
      sb.append(f("%-36s %4d", g.name(), g.runs() - g.failed()));
      for (Metric m : METRICS) {
        String cell = g.stats().get(m.key()).format(m.format());
        double rel = relative(g, m.key());
        sb.append(f(" %22s", Double.isNaN(rel) ? cell : cell + f(" [%.2f]", rel)));
      }
      if (g.failed() > 0) {
        sb.append(f("  (%d of %d runs failed)", g.failed(), g.runs()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The {@code summary} array of report.json. */
  String json() {
    List<String> items = new ArrayList<>();
    for (Group g : groups) {
      List<String> ms = new ArrayList<>();
      for (Metric m : METRICS) {
        MetricStats s = g.stats().get(m.key());
        double rel = relative(g, m.key());
        ms.add(JsonText.str(m.key()) + ":{\"n\":" + s.n() + ",\"mean\":" + JsonText.num(s.mean())
            + ",\"sd\":" + JsonText.num(s.sd()) + ",\"ci95\":" + JsonText.num(s.ci95())
            + (Double.isNaN(rel) ? "" : ",\"relativeToBaseline\":" + JsonText.num(rel)) + "}");
      }
      items.add("{\"group\":" + JsonText.str(g.name()) + ",\"sweep\":"
          + (g.sweepValue() == null ? "null" : JsonText.str(g.sweepValue())) + ",\"runs\":"
          + g.runs() + ",\"failed\":" + g.failed() + ",\"metrics\":{" + String.join(",", ms)
          + "}}");
    }
    return "[" + String.join(",\n", items) + "]";
  }

  /** summary.csv: one row per group, mean, sd and ci95 of each metric. */
  String csv() {
    StringBuilder sb = new StringBuilder("group,sweep,runs,failed");
    for (Metric m : METRICS) {
      sb.append(',').append(m.key()).append("_mean,").append(m.key()).append("_sd,")
          .append(m.key()).append("_ci95");
      if (baseline != null) {
        sb.append(',').append(m.key()).append("_vs_baseline");
      }
    }
    sb.append('\n');
    for (Group g : groups) {
      sb.append(CsvText.field(g.name())).append(',')
          .append(g.sweepValue() == null ? "" : CsvText.field(g.sweepValue())).append(',')
          .append(g.runs()).append(',').append(g.failed());
      for (Metric m : METRICS) {
        MetricStats s = g.stats().get(m.key());
        sb.append(',').append(CsvText.num(s.mean())).append(',').append(CsvText.num(s.sd()))
            .append(',').append(CsvText.num(s.ci95()));
        if (baseline != null) {
          sb.append(',').append(CsvText.num(relative(g, m.key())));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
