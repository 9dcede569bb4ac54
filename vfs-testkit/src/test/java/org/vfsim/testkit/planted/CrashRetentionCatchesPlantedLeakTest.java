package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.crash.CrashRetention;

/**
 * The retention check against the planted filesystem: the correct one lets go of every crash
 * state, and a type that keeps each mount it made (the btrfsish leak that ran long
 * {@code vfsim crash} runs out of heap) is caught, its count growing with the states.
 */
class CrashRetentionCatchesPlantedLeakTest {
  private static final long SEED = 20261203L;

  private static CrashRetention.Result measure(Bug bug, long states) {
    CrashRetention.Result r =
        CrashRetention.measure(FilesystemUnderTest.of(PlantedFsType.onBlocks(bug)), states, SEED);
    System.out.printf("%s: %d states checked, %d machines, %d devices, %d superblocks still"
        + " reachable (seed %d)%n", bug, r.states(), r.retainedMachines(), r.retainedDevices(),
        r.retainedSuperBlocks(), SEED);
    return r;
  }

  @Test
  void theCorrectFilesystemLetsGoOfEveryState() {
    CrashRetention.Result few = measure(Bug.NONE, 20);
    CrashRetention.Result many = measure(Bug.NONE, 120);
    assertEquals(120, many.states());
    assertTrue(many.retained() <= few.retained(), "retention grows with the states: " + many);
    assertEquals(0, many.retained(), many.toString());
  }

  @Test
  void aTypeKeepingEveryMountIsCaught() {
    CrashRetention.Result few = measure(Bug.KEEPS_EVERY_MOUNT, 20);
    CrashRetention.Result many = measure(Bug.KEEPS_EVERY_MOUNT, 120);
    assertEquals(120, many.retainedSuperBlocks(), many.toString());
    assertEquals(120, many.retainedDevices(), many.toString());
    assertTrue(many.retained() > few.retained(), many + " vs " + few);
  }
}
