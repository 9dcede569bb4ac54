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
   * Every state mounts and is consistent; seq1 and seq2 keep every promise now that the
   * metadata image is in the device's blocks (committed to an A/B slot behind a PREFLUSH+FUA
   * header). The fsx mix still finds stale bytes in a few states (it did before the image
   * moved into blocks too); they are printed, and this test turns strict once they are fixed.
   */
  @Test
  void everyCrashStateIsConsistentAndSeq1AndSeq2KeepEveryPromise() {
    List<CrashSweep.Part> parts = CrashSweep.run(fut(), 60, 2, 8, SEED, System.out);
    for (CrashSweep.Part p : parts) {
      assertTrue(p.states() > 0, p.workload() + ": no states");
      List<String> problems = p.violations().stream().flatMap(v -> v.problems().stream())
          .toList();
      if (p.workload().equals("seq1") || p.workload().equals("seq2")) {
        assertEquals(List.of(), problems, p.workload());
      }
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
    CrashRetention.Result few = CrashRetention.measure(fut(), 20, SEED);
    CrashRetention.Result many = CrashRetention.measure(fut(), 150, SEED);
    System.out.printf("%s crash retention: %s after 20 states, %s after 150 (seed %d)%n",
        "xfsish", few, many, SEED);
    assertEquals(150, many.states());
    assertTrue(many.retained() <= few.retained(), "retention grows with the states: " + many);
    assertEquals(0, many.retained(), many.toString());
  }
}
