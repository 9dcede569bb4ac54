package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.crash.CrashCheck;
import org.vfsim.testkit.crash.Workload;
import org.vfsim.testkit.crash.Workloads;

/**
 * Crash states that once broke ext2ish's promise that a crash shows zeros, never a previous
 * owner's bytes: a truncate wrote the inode with FUA alone, and FUA orders nothing before it,
 * so a state could keep the inode (mapping blocks a write had just allocated) and lose those
 * blocks' discard, still in the volatile cache (also a new indirect block's content: the mount
 * then found garbage block numbers). Found by a long {@code vfsim crash} run.
 */
class Ext2ishCrashRegressionTest {
  private static final long SEED = 7; // the seed of the run that found it

  private static List<String> problems(Workload w) {
    CrashCheck check = new CrashCheck(FilesystemUnderTest.of(new Ext2ishType()), 16, SEED);
    List<String> out = new ArrayList<>();
    check.check(w, Long.MAX_VALUE, v -> {
      System.out.println(v.describe());
      out.addAll(v.problems());
    });
    System.out.printf("%s: %d states at %d crash points (seed %d): %d violations%n", w.name(),
        check.statesChecked(), check.crashPoints(), SEED, check.violations().size());
    assertTrue(check.statesChecked() > 0);
    return out;
  }

  /** The fsx workload of {@code vfsim crash --fs ext2ish --workload fsx -S 7} that found it. */
  @Test
  void theFsxWorkloadThatFoundItKeepsEveryPromise() {
    assertEquals(List.of(), problems(Workloads.fsx(new Ext2ishType().capabilities(), 7, 0, 40)));
  }
}
