package org.example.worstfit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.alloc.AllocRequest;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.fs.alloc.FreeSpaceMap;

/** The policy alone, on a free-space map: it takes the largest extent, whatever the goal. */
class WorstFitTest {
  @Test
  void takesTheStartOfTheLargestFreeExtent() {
    FreeSpaceMap free = new FreeSpaceMap(1000);
    free.free(new BlockExtent(10, 5));
    free.free(new BlockExtent(100, 50));
    free.free(new BlockExtent(500, 20));
    AllocRequest fourNearTen = new AllocRequest(12, 0, 4, 1, 10, List.of());
    assertEquals(Optional.of(new BlockExtent(100, 4)),
        AllocationPolicies.choose(new WorstFit(), fourNearTen, free));
    AllocRequest tooLong = new AllocRequest(12, 0, 80, 60, 10, List.of());
    assertEquals(Optional.empty(), new WorstFit().allocate(tooLong, free));
  }

  @Test
  void isFoundByNameThroughTheServiceFile() {
    assertEquals(WorstFit.class, AllocationPolicies.get("worstfit",
        WorstFitTest.class.getClassLoader()).getClass());
  }
}
