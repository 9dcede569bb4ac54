package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.crash.CrashRetention;
import org.vfsim.testkit.crash.CrashSweep;

/** CI's bounded crash-state sweep on Btrfsish (the numbers are printed). */
class BtrfsishCrashSweepTest {
  private static final long SEED = 20261203L;

  private static FilesystemUnderTest fut() {
    return FilesystemUnderTest.of(new BtrfsishType());
  }

  @Test
  void everyCrashStateKeepsEveryPromise() {
    List<CrashSweep.Part> parts = CrashSweep.run(fut(), 60, 2, 8, SEED, System.out);
    for (CrashSweep.Part p : parts) {
      assertTrue(p.states() > 0, p.workload() + ": no states");
      assertEquals(List.of(), p.violations().stream().map(v -> v.describe()).toList(),
          p.workload());
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
