package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Studies: several seeds with intervals, parallel runs, shards and their merge, sweeps. */
class CompareStudyTest {
  @TempDir
  Path dir;

  private static final String[] STUDY = {"--workload", "random-overwrite", "--size", "32m",
      "--fs", "toyfs:policy=goal", "--fs", "toyfs:policy=cursor", "--seeds", "1..3"};

  private CliRun compare(Path out, String... args) {
    List<String> all = new ArrayList<>(List.of("compare", "--out", out.toString()));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static JsonObject json(Path out) throws IOException {
    return JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
  }

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void seedsArePooledIntoMeanSdAndInterval() throws IOException {
    Path out = dir.resolve("seeds");
    CliRun run = compare(out, with(STUDY, "-j", "1"));
    assertEquals(0, run.exit(), run.err());
    JsonObject report = json(out);
    assertEquals(List.of(1L, 2L, 3L), longs(report.getAsJsonArray("seeds")));
    JsonArray variants = report.getAsJsonArray("variants");
    assertEquals(6, variants.size(), "two variants, three seeds each");
    for (var s : report.getAsJsonArray("summary")) {
      JsonObject group = s.getAsJsonObject();
      String name = group.get("group").getAsString();
      double[] wa = new double[3];
      int k = 0;
      for (var v : variants) {
        JsonObject r = v.getAsJsonObject();
        if (r.get("group").getAsString().equals(name)) {
          wa[k++] = r.get("writeAmplification").getAsDouble();
        }
      }
      assertEquals(3, k, name);
      double mean = (wa[0] + wa[1] + wa[2]) / 3;
      double sd = Math.sqrt(((wa[0] - mean) * (wa[0] - mean) + (wa[1] - mean) * (wa[1] - mean)
          + (wa[2] - mean) * (wa[2] - mean)) / 2);
      JsonObject m = group.getAsJsonObject("metrics").getAsJsonObject("writeAmplification");
      assertEquals(3, m.get("n").getAsInt());
      assertEquals(mean, m.get("mean").getAsDouble(), 1e-5, name);
      assertEquals(sd, m.get("sd").getAsDouble(), 1e-5, name);
      assertEquals(4.303 * sd / Math.sqrt(3), m.get("ci95").getAsDouble(), 1e-5, name);
    }
    assertTrue(run.out().contains("summary over seeds (mean ± 95% CI)"), run.out());
    assertTrue(run.out().contains("toyfs[policy=goal] seed 2"), run.out());
    List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
    assertEquals(3, summary.size(), "header and a row per variant");
    assertTrue(summary.get(0).startsWith("group,sweep,runs,failed,extentsPerFile_mean,"));
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("95% interval per group"), "error-bar charts");
    assertTrue(html.contains("<h2>Provenance</h2>") && html.contains("command: vfsim compare"),
        "provenance");
  }

  @Test
  void parallelRunsGiveTheSerialResultsAndShardsMergeIntoTheSameReport() throws IOException {
    Path serial = dir.resolve("serial");
    assertEquals(0, compare(serial, with(STUDY, "-j", "1")).exit());
    Path parallel = dir.resolve("parallel");
    assertEquals(0, compare(parallel, with(STUDY, "-j", "3")).exit());
    for (String f : List.of("report.json", "report.csv", "summary.csv", "report.html")) {
      assertEquals(Files.readString(serial.resolve(f)), Files.readString(parallel.resolve(f)),
          f + " depends on the number of jobs");
    }
    Path shards = dir.resolve("shards");
    for (int i = 1; i <= 3; i++) {
      CliRun run = compare(shards, with(STUDY, "--shard", i + "/3"));
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("(2 of 6 runs)"), run.out());
    }
    Path merged = dir.resolve("merged");
    CliRun merge = CliRun.of("compare", "--out", merged.toString(), "--merge",
        shards.toString());
    assertEquals(0, merge.exit(), merge.err());
    for (String f : List.of("report.json", "report.csv", "summary.csv", "report.html")) {
      assertEquals(Files.readString(serial.resolve(f)), Files.readString(merged.resolve(f)),
          f + " of the merged shards differs from the single run's");
    }
  }

  @Test
  void incompleteOrForeignShardsAreRefusedWithOneLine() throws IOException {
    Path shards = dir.resolve("part");
    assertEquals(0, compare(shards, with(STUDY, "--shard", "1/2")).exit());
    CliRun missing = CliRun.of("compare", "--out", dir.resolve("m").toString(), "--merge",
        shards.toString());
    assertEquals(1, missing.exit());
    assertEquals("vfsim: the shards hold 3 of the study's 6 runs; missing runs [1, 3, 5]\n",
        missing.err());
    Path other = dir.resolve("other");
    assertEquals(0, compare(other, "--workload", "random-overwrite", "--size", "32m", "--fs",
        "toyfs", "--seeds", "1..2", "--shard", "2/2").exit());
    CliRun foreign = CliRun.of("compare", "--out", dir.resolve("f").toString(), "--merge",
        shards.toString(), other.toString());
    assertEquals(1, foreign.exit());
    assertTrue(foreign.err().startsWith("vfsim: shard 2/2 belongs to another study"),
        foreign.err());
    Path junk = Files.writeString(dir.resolve("shard-1-of-1.json"), "{\"format\":1");
    CliRun bad = CliRun.of("compare", "--merge", junk.toString());
    assertEquals(1, bad.exit());
    assertTrue(bad.err().startsWith("vfsim: " + junk + ": not a vfsim compare shard file"),
        bad.err());
    for (String[] usage : new String[][] {{"--shard", "4/3"}, {"--shard", "x"},
        {"--seeds", "5..1"}, {"--seeds", "1,,2"}, {"--sweep", "color=red"},
        {"--baseline", "zfs"}, {"--seed", "1", "--seeds", "1..2"}}) {
      CliRun r = compare(dir.resolve("u"), with(new String[] {"--fs", "toyfs"}, usage));
      assertEquals(2, r.exit(), String.join(" ", usage) + ": " + r.err());
      assertTrue(r.err().startsWith("vfsim: " + usage[0]), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
    }
  }

  @Test
  void aSweepRunsEveryVariantAtEveryValueAndPlotsAgainstIt() throws IOException {
    Path out = dir.resolve("sweep");
    CliRun run = compare(out, "--workload", "conway-intrafile", "--fs", "toyfs:policy=goal",
        "--fs", "toyfs:policy=cursor", "--sweep", "size=16m,32m", "--baseline",
        "toyfs[policy=goal] @ size=16m");
    assertEquals(0, run.exit(), run.err());
    JsonObject report = json(out);
    JsonArray summary = report.getAsJsonArray("summary");
    assertEquals(4, summary.size());
    List<String> groups = new ArrayList<>();
    for (var g : summary) {
      groups.add(g.getAsJsonObject().get("group").getAsString());
    }
    assertEquals(List.of("toyfs[policy=goal] @ size=16m", "toyfs[policy=cursor] @ size=16m",
        "toyfs[policy=goal] @ size=32m", "toyfs[policy=cursor] @ size=32m"), groups);
    JsonObject base = summary.get(0).getAsJsonObject().getAsJsonObject("metrics")
        .getAsJsonObject("extentsPerFile");
    assertEquals(1.0, base.get("relativeToBaseline").getAsDouble(), 1e-9);
    JsonObject cursor = summary.get(1).getAsJsonObject().getAsJsonObject("metrics")
        .getAsJsonObject("extentsPerFile");
    assertEquals(cursor.get("mean").getAsDouble() / base.get("mean").getAsDouble(),
        cursor.get("relativeToBaseline").getAsDouble(), 1e-5, "the ratio of the means");
    assertTrue(cursor.get("relativeToBaseline").getAsDouble() > 1,
        "the shared cursor interleaves files the goal allocator keeps together");
    JsonArray variants = report.getAsJsonArray("variants");
    assertEquals(16L << 20, variants.get(0).getAsJsonObject().get("runDeviceBytes").getAsLong());
    assertEquals(32L << 20, variants.get(3).getAsJsonObject().get("runDeviceBytes").getAsLong());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<h2>Against size</h2>"), "sweep charts");
    assertTrue(html.contains("layout against size"));
  }

  @Test
  void variantsThatRanDifferentWorkloadsAreFlagged() throws IOException {
    Path out = dir.resolve("aging");
    CliRun run = compare(out, "--workload", "small-files-aging", "--size", "16m", "--fs", "toyfs",
        "--fs", "ramfs:size=4m");
    assertEquals(0, run.exit(), run.err());
    JsonArray warnings = json(out).getAsJsonArray("warnings");
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).getAsString().startsWith(
        "the variants ran different workloads at seed 1: files "), warnings.toString());
    assertTrue(run.out().contains("warning: the variants ran different workloads"), run.out());
  }

  @Test
  void intervalsUseStudentsT() {
    MetricStats s = MetricStats.of(new double[] {1, 2, 3, 4, 5});
    assertEquals(3.0, s.mean(), 1e-12);
    assertEquals(Math.sqrt(2.5), s.sd(), 1e-12);
    assertEquals(2.776 * Math.sqrt(2.5) / Math.sqrt(5), s.ci95(), 1e-12);
    assertEquals("3.00 ± 1.96", s.format("%.2f"));
    MetricStats one = MetricStats.of(new double[] {7});
    assertTrue(Double.isNaN(one.ci95()));
    assertEquals("7.0", one.format("%.1f"), "one seed: no interval is invented");
    assertEquals(1.96, MetricStats.t975(10_000), 1e-3);
  }

  private static List<Long> longs(JsonArray a) {
    List<Long> out = new ArrayList<>();
    a.forEach(e -> out.add(e.getAsLong()));
    return out;
  }
}
