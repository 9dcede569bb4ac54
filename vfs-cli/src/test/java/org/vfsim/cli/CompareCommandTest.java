package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.lockdep.LockValidatorExtension;

/** {@code vfsim compare} end to end on the test filesystem's two allocators and ramfs. */
@ExtendWith(LockValidatorExtension.class)
class CompareCommandTest {
  @TempDir
  Path out;

  private static final String GOAL = "toyfs[policy=goal]";
  private static final String CURSOR = "toyfs[policy=cursor]";

  private CliRun compare(String workload, String... fs) {
    List<String> args = new java.util.ArrayList<>(List.of("compare", "--workload", workload,
        "--out", out.toString(), "--size", "64m", "--seed", "7"));
    for (String f : fs) {
      args.add("--fs");
      args.add(f);
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  private static JsonObject variant(JsonObject report, String label) {
    for (var v : report.getAsJsonArray("variants")) {
      if (v.getAsJsonObject().get("variant").getAsString().equals(label)) {
        return v.getAsJsonObject();
      }
    }
    throw new AssertionError("no variant " + label);
  }

  @Test
  void writesWellFormedCsvJsonAndHtml() throws IOException {
    // A ramfs too small for the workload fails part way: a finding, reported in its row.
    CliRun run = compare("default", "toyfs:policy=goal", "toyfs:policy=cursor", "ramfs",
        "ramfs:size=64k");
    assertEquals(0, run.exit(), run.err());

    List<String> csv = Files.readAllLines(out.resolve("report.csv"));
    assertEquals(String.join(",", ComparisonReport.CSV_COLUMNS), csv.get(0));
    assertEquals(1 + 4, csv.size(), "header and one row per variant");
    for (String row : csv.subList(1, csv.size())) {
      assertEquals(ComparisonReport.CSV_COLUMNS.length,
          row.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1).length, "columns of " + row);
    }
    assertTrue(csv.get(4).startsWith("ramfs[size=64k],ramfs,,size=64k,failed: ENOSPC"),
        csv.get(4));

    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json")))
        .getAsJsonObject();
    assertEquals("default", json.get("workload").getAsString());
    assertEquals(7, json.get("seed").getAsLong());
    JsonArray variants = json.getAsJsonArray("variants");
    assertEquals(4, variants.size());
    JsonObject goal = variant(json, GOAL);
    // default: 4 files of 256 KiB and one of 1 MiB, all written once.
    assertEquals(4 * 256 * 1024 + 1024 * 1024, goal.get("appBytesWritten").getAsLong());
    assertEquals(5, goal.get("files").getAsInt());
    assertEquals("failed", variant(json, "ramfs[size=64k]").get("status").getAsString());

    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<svg"), "inline SVG charts");
    assertTrue(html.trim().endsWith("</html>"));
    java.util.regex.Matcher svg =
        java.util.regex.Pattern.compile("(?s)<svg.*?</svg>").matcher(html);
    int charts = 0;
    while (svg.find()) {
      charts++;
      try {
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new org.xml.sax.InputSource(new java.io.StringReader(svg.group())));
      } catch (Exception e) {
        throw new AssertionError("chart " + charts + " is not well-formed SVG: " + e, e);
      }
    }
    // Six aging curves, then per working variant: disk map and free-space histogram (one seed,
    // so no error-bar charts).
    assertEquals(6 + 2 * 3, charts);
    assertTrue(!html.contains("http://") || html.replace("http://www.w3.org/2000/svg", "")
        .indexOf("http://") < 0, "no network references");

    assertTrue(run.out().contains("ramfs[size=64k]") && run.out().contains("FAILED: ENOSPC"),
        run.out());
    assertEquals("", run.err(), "no progress bar when standard error is not a terminal");
  }

  @Test
  void intraFileBenchmarkSeparatesAContiguousAllocatorFromASharedCursor() throws IOException {
    CliRun run = compare("conway-intrafile", "toyfs:policy=goal", "toyfs:policy=cursor");
    assertEquals(0, run.exit(), run.err());
    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json")))
        .getAsJsonObject();
    JsonObject goal = variant(json, GOAL);
    JsonObject cursor = variant(json, CURSOR);
    // 10 files of 100 blocks: the goal allocator keeps each whole (1 extent, every block after
    // the first follows: 990/990); the shared cursor interleaves every append (100 extents,
    // none of the 990 follows its predecessor).
    assertEquals(10, goal.get("extents").getAsInt());
    assertEquals(990, goal.get("layoutNumerator").getAsLong());
    assertEquals(990, goal.get("layoutDenominator").getAsLong());
    assertEquals(1000, cursor.get("extents").getAsInt());
    assertEquals(0, cursor.get("layoutNumerator").getAsLong());
    // 100 rounds, sampled at each; the cold read seeks once per extent but the first.
    assertEquals(100, cursor.getAsJsonArray("rounds").size());
    assertTrue(cursor.get("coldReadSeeks").getAsLong() >= 999);
    assertTrue(cursor.getAsJsonObject("deviceTimeMs").get("hddColdRead").getAsDouble()
        > 10 * goal.getAsJsonObject("deviceTimeMs").get("hddColdRead").getAsDouble());
    // Same data written by both (metadata differs: toyfs writes its block map to the device).
    assertEquals(goal.get("dataBytesWritten").getAsLong(),
        cursor.get("dataBytesWritten").getAsLong());
    assertTrue(goal.get("metadataBytesWritten").getAsLong() > 0);
  }

  /**
   * {@code policy=firstfit} against xfsish's own allocator on the intra-file benchmark. On a
   * fresh device every free block lies past the allocation frontier, so the lowest free extent
   * and the one nearest the goal are the same and speculative preallocation alone shapes each
   * file; on an 8 MiB device the files outgrow their AG (2 MiB), and there XFS moves to the AG
   * with the longest free extent while first fit takes the lowest hole: the layouts differ.
   */
  @Test
  void xfsishWithFirstFitPlacesTheIntraFileBenchmarkDifferentlyFromXfsItself()
      throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("compare", "--workload",
        "conway-intrafile", "--out", out.toString(), "--size", "8m", "--seed", "7",
        "--fs", "xfsish:policy=firstfit", "--fs", "xfsish"));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json")))
        .getAsJsonObject();
    JsonObject firstFit = variant(json, "xfsish[policy=firstfit]");
    JsonObject xfs = variant(json, "xfsish");
    for (JsonObject v : List.of(firstFit, xfs)) {
      assertEquals("ok", v.get("status").getAsString(), v.toString());
      assertEquals(0, v.getAsJsonArray("fsckProblems").size(), v.get("fsckProblems").toString());
    }
    // Same files, same bytes: only where the blocks went differs.
    assertEquals(xfs.get("appBytesWritten").getAsLong(),
        firstFit.get("appBytesWritten").getAsLong());
    assertEquals(xfs.get("layoutDenominator").getAsLong(),
        firstFit.get("layoutDenominator").getAsLong());
    assertNotEquals(xfs.get("fileLayouts"), firstFit.get("fileLayouts"), "block placement");
    assertNotEquals(xfs.get("freeSpaceHistogram"), firstFit.get("freeSpaceHistogram"),
        "the free space each leaves");
    // XFS scans AGs for the longest free extent; the policy chooses from the free-space view.
    assertTrue(xfs.getAsJsonObject("counters").get("ags_scanned").getAsLong()
        > firstFit.getAsJsonObject("counters").get("ags_scanned").getAsLong());
    assertTrue(run.out().contains("xfsish[policy=firstfit]"), run.out());
  }

  @Test
  void fsckProblemsOfABrokenAllocatorAreReported() throws IOException {
    CliRun run = compare("default", "toyfs", "toyfs:leak");
    assertEquals(0, run.exit(), run.err());
    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json")))
        .getAsJsonObject();
    assertEquals(0, variant(json, "toyfs").getAsJsonArray("fsckProblems").size());
    JsonArray problems = variant(json, "toyfs[leak]").getAsJsonArray("fsckProblems");
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).getAsString().contains("marked used but"), problems.toString());
    assertTrue(run.out().contains("fsck: toyfs:"), run.out());
  }

  @Test
  void unknownTypesAndOptionsAreUsageErrorsBeforeAnythingRuns() throws IOException {
    for (String[] bad : new String[][] {{"nosuchfs", "--fs nosuchfs: No such device"},
        {"toyfs:bogus=1", "--fs toyfs[bogus=1]: Invalid argument (unknown option 'bogus')"},
        {"toyfs:policy=fifo", "--fs toyfs[policy=fifo]: Invalid argument"}}) {
      CliRun run = compare("default", "toyfs", bad[0]);
      assertEquals(2, run.exit(), run.err());
      assertTrue(run.err().startsWith("vfsim: " + bad[1]), run.err());
      assertEquals("", run.out(), "nothing ran");
    }
    try (var listing = Files.list(out)) {
      assertEquals(0, listing.count(), "no report for a run that did not happen");
    }
  }

  @Test
  void anOutputDirectoryThatCannotBeMadeFailsFirst() throws IOException {
    Path file = Files.writeString(out.resolve("plain-file"), "x");
    CliRun run = CliRun.of("compare", "--fs", "ramfs", "--out", file.resolve("sub").toString());
    assertEquals(1, run.exit());
    assertEquals("vfsim: " + file.resolve("sub") + ": Not a directory\n", run.err());
    assertEquals("", run.out(), "nothing ran");
  }

  @Test
  void unknownWorkloadIsAnErrorNotAStackTrace() {
    CliRun run = compare("no-such-workload", "ramfs");
    assertNotEquals(0, run.exit());
    assertTrue(run.err().startsWith("vfsim: unknown workload 'no-such-workload'"), run.err());
  }
}
