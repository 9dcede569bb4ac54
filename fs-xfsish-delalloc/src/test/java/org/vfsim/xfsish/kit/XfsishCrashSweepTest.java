package org.vfsim.xfsish.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.crash.CrashRetention;
import org.vfsim.testkit.crash.CrashSweep;
import org.vfsim.xfsish.XfsishType;

/** CI's bounded crash-state sweep on Xfsish (the numbers are printed). */
class XfsishCrashSweepTest {
  private static final long SEED = 20261203L;

  private static FilesystemUnderTest fut() {
    return FilesystemUnderTest.of(new XfsishType());
  }

  /**
   * Every state mounts (log recovery replays the complete checkpoints), fsck is clean, and
   * every workload - seq1, seq2 and the fsx mix - keeps every promise. The fsx mix used to
   * find stale bytes: blocks a truncate or punch freed were given to another file's data
   * before the freeing transaction was on disk; busy extents keep them until it is.
   */
  @Test
  void everyCrashStateIsConsistentAndKeepsEveryPromise() {
    List<CrashSweep.Part> parts = CrashSweep.run(fut(), 60, 2, 8, SEED, System.out);
    for (CrashSweep.Part p : parts) {
      assertTrue(p.states() > 0, p.workload() + ": no states");
      List<String> problems = p.violations().stream().flatMap(v -> v.problems().stream())
          .toList();
      assertEquals(List.of(), problems, p.workload());
      assertEquals(List.of(), problems.stream().filter(s -> s.startsWith("fsck")
          || s.startsWith("mount") || s.startsWith("checking")).toList(), p.workload());
    }
  }

  /**
   * A long {@code vfsim crash} run keeps nothing per crash state: the states' machines, devices
   * and superblocks are unreachable once checked, however many there were (btrfsish's type once
   * kept every mount in a per-device map and ran out of heap after a few hundred states).
   */
  @Test
  void crashStatesAreNotRetained() {
    CrashRetention.assertNoneRetained(fut(), SEED);
  }
}
