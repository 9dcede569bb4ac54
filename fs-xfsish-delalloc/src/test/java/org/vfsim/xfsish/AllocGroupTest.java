package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FsckReport;
import org.vfsim.lockdep.LockValidatorExtension;

/** The two free-space indexes and the three ways to allocate from them. */
@ExtendWith(LockValidatorExtension.class)
class AllocGroupTest {
  /** An AG of 1000 blocks with free extents 100+10, 300+50, 600+20, 900+100. */
  private static AllocGroup ag() {
    AllocGroup ag = new AllocGroup(0, 0, 1000);
    ag.free(100, 10);
    ag.free(300, 50);
    ag.free(600, 20);
    ag.free(900, 100);
    return ag;
  }

  private static void assertConsistent(AllocGroup ag) {
    FsckReport.Builder b = new FsckReport.Builder();
    ag.check(b);
    assertTrue(b.build().isClean(), b.build().toString());
  }

  @Test
  void exactTakesTheTargetOrNothing() {
    AllocGroup ag = ag();
    assertArrayEquals(new long[] {305, 20}, ag.allocExact(305, 1, 20));
    assertArrayEquals(new long[] {325, 25}, ag.allocExact(325, 1, 40), "as much as is free there");
    assertNull(ag.allocExact(200, 1, 5), "not free");
    assertNull(ag.allocExact(615, 10, 10), "less than minlen free from the target");
    assertConsistent(ag);
  }

  @Test
  void nearPicksTheClosestExtentThatFitsAndPlacesItNearTheTarget() {
    AllocGroup ag = ag();
    // 20 blocks near 560: 600+20 (40 away) beats 300+50 (ends 210 before).
    assertArrayEquals(new long[] {600, 20}, ag.allocNear(560, 1, 20));
    // 30 near 500: only 300+50 and 900+100 fit; 300+50 placed at its end is closer.
    assertArrayEquals(new long[] {320, 30}, ag.allocNear(500, 1, 30));
    // Nothing holds 200 blocks: the longest (900+100) is used, up to its length.
    assertArrayEquals(new long[] {900, 100}, ag.allocNear(0, 1, 200));
    assertConsistent(ag);
  }

  @Test
  void bestFitTakesTheSmallestExtentThatFits() {
    AllocGroup ag = ag();
    assertArrayEquals(new long[] {600, 15}, ag.allocBestFit(1, 15));
    assertArrayEquals(new long[] {300, 40}, ag.allocBestFit(1, 40));
    assertNull(ag.allocBestFit(101, 200), "longest is shorter than minlen");
    assertConsistent(ag);
  }

  @Test
  void freeMergesNeighboursAndRefusesDoubleFrees() {
    AllocGroup ag = ag();
    assertEquals(2, ag.free(110, 190), "joins 100+10 and 300+50");
    assertArrayEquals(new long[] {100, 10 + 190 + 50}, ag.freeExtentAt(200));
    assertEquals(3, ag.extents().size());
    assertThrows(IllegalStateException.class, () -> ag.free(305, 1));
    assertConsistent(ag);
  }

  @Test
  void checkCatchesIndexesThatDisagree() {
    AllocGroup ag = ag();
    Corruptions.cntbt(ag);
    FsckReport.Builder b = new FsckReport.Builder();
    ag.check(b);
    assertFalse(b.build().isClean());
  }
}
