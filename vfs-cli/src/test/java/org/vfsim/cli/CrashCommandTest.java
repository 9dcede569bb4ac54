package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vfsim crash}: the crash-state checker behind the command line's conventions. */
class CrashCommandTest {
  @TempDir
  Path dir;

  @Test
  void countsTheStatesItChecked() {
    CliRun r = CliRun.of("crash", "--fs", "xfsish", "-N", "40", "-S", "3", "--replay-dir",
        dir.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("workload seq1, seed 3, at most 40 states"), r.out());
    Matcher m = Pattern.compile("checked (\\d+) states at (\\d+) crash points of (\\d+)"
        + " workloads: 0 violations").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(40, Long.parseLong(m.group(1)), r.out());
  }

  @Test
  void aLongRunPrintsItsProgress() {
    CliRun r = CliRun.of("crash", "--fs", "btrfsish", "-N", "400", "--replay-dir",
        dir.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    Matcher m = Pattern.compile("crash: (\\d+) states checked \\((\\d+) workloads\\), 0"
        + " violations so far, \\d+ s").matcher(r.out());
    long last = 0;
    int lines = 0;
    while (m.find()) {
      long states = Long.parseLong(m.group(1));
      assertTrue(states > last && states < 400, r.out());
      last = states;
      lines++;
    }
    assertTrue(lines >= 3, "a progress line every 100 states of 400: " + r.out());
    assertTrue(r.out().contains("checked 400 states"), r.out());
  }

  @Test
  void aViolationIsPrintedWithItsStateAndAReplayThatReproducesIt() throws Exception {
    CliRun r = CliRun.of("crash", "--fs", "toyfs", "--mount", "leak", "-N", "30",
        "--replay-dir", dir.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("VIOLATION #1: workload seq1-"), r.out());
    assertTrue(r.out().contains("crash at log position "), r.out());
    Matcher m = Pattern.compile("replay with: vfsim crash --replay (\\S+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    Path replay = Path.of(m.group(1));
    assertEquals("toyfs-seq1-1-1.replay", replay.getFileName().toString());
    assertTrue(Files.readString(replay).contains("mount leak"));
    CliRun again = CliRun.of("crash", "--replay", replay.toString());
    assertEquals(1, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("VIOLATION "), again.out());
  }

  @Test
  void badInputIsOneClearLine() {
    for (String[] args : new String[][] {
        {"crash", "--fs", "xfsish", "--workload", "seq3"},
        {"crash", "--fs", "xfsish", "-N", "0"},
        {"crash", "-N", "10"},
        {"crash", "--fs", "nosuchfs"},
        {"crash", "--fs", "ramfs"},
        {"crash", "--replay", dir.resolve("missing").toString()}}) {
      CliRun r = CliRun.of(args);
      assertTrue(r.exit() != 0, String.join(" ", args));
      assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("vfsim: "), r.err());
      assertTrue(!r.err().contains("Exception"), r.err());
    }
  }

  @Test
  void aDamagedReplayFileNamesTheLine() throws Exception {
    Path f = dir.resolve("bad.replay");
    Files.writeString(f, "fs xfsish\nop scribble foo\ncrash-at 3\n");
    CliRun r = CliRun.of("crash", "--replay", f.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("line 2: unknown operation 'scribble'"), r.err());
  }

  @Test
  void helpSaysWhatItDoes() {
    CliRun r = CliRun.of("crash", "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("--workload"), r.out());
    assertTrue(r.out().contains("power cut"), r.out());
    assertTrue(r.out().contains("A long campaign"), r.out());
  }
}
