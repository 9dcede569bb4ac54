package org.vfsim.fs.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

class AllocationPolicyTest {
  /** Free: [10,+4) [20,+16) [50,+8) [100,+100) in a 1000-block space. */
  private static FreeSpaceMap holes() {
    FreeSpaceMap m = new FreeSpaceMap(1000);
    m.free(new BlockExtent(10, 4));
    m.free(new BlockExtent(20, 16));
    m.free(new BlockExtent(50, 8));
    m.free(new BlockExtent(100, 100));
    return m;
  }

  private static AllocRequest want(long blocks, long min) {
    return new AllocRequest(12, 0, blocks, min, -1, List.of());
  }

  @Test
  void firstFitTakesTheLowestHoleThatHoldsTheRequest() {
    FreeSpaceMap m = holes();
    assertEquals(Optional.of(new BlockExtent(20, 6)), new FirstFit().allocate(want(6, 6), m));
    assertEquals(Optional.of(new BlockExtent(10, 3)), new FirstFit().allocate(want(3, 1), m));
    assertEquals(Optional.of(new BlockExtent(10, 4)), new FirstFit().allocate(want(500, 2), m),
        "none holds 500: the first that holds the minimum");
    assertEquals(Optional.empty(), new FirstFit().allocate(want(500, 101), m));
  }

  @Test
  void bestFitTakesTheSmallestHoleThatHoldsTheRequest() {
    FreeSpaceMap m = holes();
    assertEquals(Optional.of(new BlockExtent(50, 6)), new BestFit().allocate(want(6, 6), m));
    assertEquals(Optional.of(new BlockExtent(10, 4)), new BestFit().allocate(want(4, 4), m));
    assertEquals(Optional.of(new BlockExtent(100, 100)), new BestFit().allocate(want(500, 50),
        m), "none holds 500: the largest, if it holds the minimum");
    assertEquals(Optional.empty(), new BestFit().allocate(want(500, 101), m));
  }

  @Test
  void nextFitRovesFromWhereTheLastAllocationEndedAndWraps() {
    FreeSpaceMap m = holes();
    NextFit p = new NextFit();
    BlockExtent a = p.allocate(want(3, 3), m).orElseThrow();
    assertEquals(new BlockExtent(10, 3), a);
    m.allocate(a);
    BlockExtent b = p.allocate(want(3, 3), m).orElseThrow();
    assertEquals(new BlockExtent(20, 3), b, "the rest of [10,+4) is behind the cursor's fit");
    m.allocate(b);
    BlockExtent c = p.allocate(want(90, 90), m).orElseThrow();
    assertEquals(new BlockExtent(100, 90), c);
    m.allocate(c);
    BlockExtent d = p.allocate(want(10, 10), m).orElseThrow();
    assertEquals(new BlockExtent(190, 10), d);
    m.allocate(d);
    assertEquals(Optional.of(new BlockExtent(23, 13)), p.allocate(want(13, 13), m),
        "past the end it wraps to the start");
    assertNotSame(p, p.newInstance());
  }

  @Test
  void freeSpaceMapMergesAndSplits() {
    FreeSpaceMap m = new FreeSpaceMap(100);
    m.free(new BlockExtent(10, 5));
    m.free(new BlockExtent(20, 5));
    m.free(new BlockExtent(15, 5));
    assertEquals(List.of(new BlockExtent(10, 15)), list(m.fromBlock(0)));
    m.allocate(new BlockExtent(12, 3));
    assertEquals(List.of(new BlockExtent(10, 2), new BlockExtent(15, 10)), list(m.fromBlock(0)));
    assertEquals(12, m.freeBlocks());
    assertEquals(List.of(new BlockExtent(15, 10)), list(m.fromBlock(16)),
        "an extent holding the block is included");
    assertEquals(Optional.of(new BlockExtent(10, 2)), m.smallestAtLeast(1));
    assertEquals(Optional.of(new BlockExtent(15, 10)), m.largest());
    assertThrows(IllegalArgumentException.class, () -> m.free(new BlockExtent(11, 2)));
    assertThrows(IllegalArgumentException.class, () -> m.allocate(new BlockExtent(12, 3)));
    assertTrue(m.isFree(new BlockExtent(16, 9)));
    assertFalse(m.isFree(new BlockExtent(11, 2)));
  }

  @Test
  void everyShippedPolicyStaysInsideFreeSpaceUnderRandomTraffic() {
    long seed = 20261203L;
    System.out.println("AllocationPolicyTest seed " + seed);
    for (AllocationPolicy shipped : AllocationPolicies.all(getClass().getClassLoader())
        .values()) {
      AllocationPolicy p = shipped.newInstance();
      Random r = new Random(seed);
      FreeSpaceMap m = new FreeSpaceMap(4096);
      m.free(new BlockExtent(0, 4096));
      java.util.ArrayList<BlockExtent> used = new java.util.ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        if (!used.isEmpty() && r.nextInt(3) == 0) {
          BlockExtent e = used.remove(r.nextInt(used.size()));
          m.free(e);
          p.freed(e);
          continue;
        }
        long n = 1 + r.nextInt(64);
        Optional<BlockExtent> e = AllocationPolicies.choose(p, want(n, 1), m);
        if (e.isPresent()) {
          m.allocate(e.get());
          used.add(e.get());
        } else {
          assertEquals(0, m.freeBlocks(), p.name() + ": refused with blocks free");
        }
      }
      long inUse = used.stream().mapToLong(BlockExtent::length).sum();
      assertEquals(4096 - inUse, m.freeBlocks(), p.name());
    }
  }

  @Test
  void aPolicyThatChoosesUsedBlocksIsCaught() {
    AllocationPolicy planted = new AllocationPolicy() {
      @Override
      public String name() {
        return "planted";
      }

      @Override
      public String description() {
        return "always block 0";
      }

      @Override
      public Optional<BlockExtent> allocate(AllocRequest request, FreeSpace free) {
        return Optional.of(new BlockExtent(0, request.blocks()));
      }

      @Override
      public AllocationPolicy newInstance() {
        return this;
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AllocationPolicies.choose(planted, want(2, 2), holes()));
    assertTrue(e.getMessage().contains("allocation policy planted chose"), e.getMessage());
  }

  @Test
  void lookupByNameAndUnknownNames() {
    assertEquals(List.of("bestfit", "firstfit", "nextfit"),
        List.copyOf(AllocationPolicies.all(getClass().getClassLoader()).keySet()));
    AllocationPolicy a = AllocationPolicies.get("nextfit", getClass().getClassLoader());
    AllocationPolicy b = AllocationPolicies.get("nextfit", getClass().getClassLoader());
    assertNotSame(a, b, "each mount gets its own cursor");
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> AllocationPolicies.get("worstfit", getClass().getClassLoader()));
    assertEquals(Errno.EINVAL, e.errno());
    assertTrue(e.getMessage().contains("known: default, bestfit, firstfit, nextfit"),
        e.getMessage());
  }

  private static List<BlockExtent> list(Iterable<BlockExtent> it) {
    List<BlockExtent> l = new java.util.ArrayList<>();
    it.forEach(l::add);
    return l;
  }
}
