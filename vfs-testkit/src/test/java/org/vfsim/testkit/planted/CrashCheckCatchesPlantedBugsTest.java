package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.crash.CrashCheck;
import org.vfsim.testkit.crash.CrashOp;
import org.vfsim.testkit.crash.CrashViolation;
import org.vfsim.testkit.crash.Workload;
import org.vfsim.testkit.crash.Workloads;

/**
 * The crash-state checker against the planted filesystem with its metadata in device blocks:
 * the correct one keeps every promise in every state, and each planted ordering bug (the
 * negative controls) is caught with the problem it causes.
 */
class CrashCheckCatchesPlantedBugsTest {
  private static final long SEED = 20261203L;

  private static FilesystemUnderTest fut(Bug bug) {
    return FilesystemUnderTest.of(PlantedFsType.onBlocks(bug));
  }

  /** The crash states of {@code workloads}; returns every violation's problems. */
  private static List<String> problems(Bug bug, Iterable<Workload> workloads, int max) {
    CrashCheck check = new CrashCheck(fut(bug), 16, SEED);
    List<String> out = new ArrayList<>();
    int n = 0;
    for (Workload w : workloads) {
      if (n++ >= max) {
        break;
      }
      check.check(w, Long.MAX_VALUE, v -> out.addAll(v.problems()));
    }
    System.out.printf("%s: %d workloads, %d crash points, %d states, %d violations (seed %d)%n",
        bug, check.workloadsRun(), check.crashPoints(), check.statesChecked(),
        check.violations().size(), SEED);
    if (!check.violations().isEmpty()) {
      CrashViolation v = check.violations().get(0);
      System.out.println(v.describe());
    }
    assertTrue(check.statesChecked() > 0, "some states were checked");
    return out;
  }

  private static List<Workload> seq1() {
    return Workloads.seq1(PlantedFsType.onBlocks(Bug.NONE).capabilities());
  }

  /** Unlink a file and sync (its blocks are free), then append to another and fsync it. */
  private static Workload reuseFreedBlocks() {
    return new Workload("reuse-freed-blocks", seq1().get(0).setup(), List.of(
        CrashOp.parse("unlink foo"), CrashOp.parse("sync"),
        CrashOp.parse("write A/bar 8192 5000 #11"), CrashOp.parse("fsync A/bar")));
  }

  @Test
  void theCorrectFilesystemKeepsEveryPromiseInEveryState() {
    List<Workload> all = new ArrayList<>(seq1());
    all.add(reuseFreedBlocks());
    all.addAll(Workloads.seq2(PlantedFsType.onBlocks(Bug.NONE).capabilities(), SEED)
        .subList(0, 40));
    all.add(Workloads.fsx(PlantedFsType.onBlocks(Bug.NONE).capabilities(), SEED, 0, 40));
    assertEquals(List.of(), problems(Bug.NONE, all, Integer.MAX_VALUE));
  }

  @Test
  void fsyncWithoutAFlushLosesFsyncedData() {
    List<String> p = problems(Bug.FSYNC_WITHOUT_FLUSH, seq1(), Integer.MAX_VALUE);
    assertFalse(p.isEmpty());
    assertTrue(p.stream().anyMatch(s -> s.contains("made durable are lost or changed")
        || s.contains("but a returned fsync or sync made it")), p.toString());
  }

  @Test
  void superblockBeforeTheAreaItPointsToIsAnUnmountableState() {
    List<String> p = problems(Bug.SUPER_BEFORE_METADATA, seq1(), Integer.MAX_VALUE);
    assertTrue(p.stream().anyMatch(s -> s.contains("mount (with recovery) failed")
        && s.contains("checksum")), p.toString());
  }

  @Test
  void aLogNotReplayedLosesFsyncedData() {
    List<String> p = problems(Bug.LOG_NOT_REPLAYED, seq1(), Integer.MAX_VALUE);
    assertTrue(p.stream().anyMatch(s -> s.contains("made durable are lost or changed")
        || s.contains("but a returned fsync or sync made it")), p.toString());
  }

  @Test
  void anExtentDurableBeforeItsDataShowsAFreedFilesBytes() {
    List<String> p = problems(Bug.EXTENT_BEFORE_DATA, List.of(reuseFreedBlocks()), 1);
    assertTrue(p.stream().anyMatch(s -> s.startsWith("A/bar:")
        && s.contains("no write to this file put there")), p.toString());
    assertEquals(List.of(), problems(Bug.NONE, List.of(reuseFreedBlocks()), 1));
  }
}
