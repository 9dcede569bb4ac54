package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.fs.alloc.FreeSpaceMap;

/**
 * The policy's view of the AGs answers every question as the reference index does, over free
 * space shaped by seeded random frees and allocations across four AGs.
 */
class AgFreeSpaceTest {
  static final long SEED = 0x5eedaf5L;
  static final int AGS = 4;
  static final long AG_BLOCKS = 256;
  static final long HEADERS = 8;

  @Test
  void agreesWithTheReferenceIndex() {
    System.out.printf("AgFreeSpaceTest seed %#x%n", SEED);
    Random rnd = new Random(SEED);
    List<AllocGroup> ags = new ArrayList<>();
    FreeSpaceMap ref = new FreeSpaceMap(AGS * AG_BLOCKS);
    for (int a = 0; a < AGS; a++) {
      AllocGroup ag = new AllocGroup(a, a * AG_BLOCKS, AG_BLOCKS);
      ag.free(ag.agStart + HEADERS, AG_BLOCKS - HEADERS);
      ref.free(new BlockExtent(ag.agStart + HEADERS, AG_BLOCKS - HEADERS));
      ags.add(ag);
    }
    AgFreeSpace view = new AgFreeSpace(ags, AGS * AG_BLOCKS);
    for (int step = 0; step < 2000; step++) {
      AllocGroup ag = ags.get(rnd.nextInt(AGS));
      long start = ag.agStart + HEADERS + rnd.nextInt((int) (AG_BLOCKS - HEADERS));
      long len = 1 + rnd.nextInt(12);
      if (start + len > ag.end()) {
        continue;
      }
      BlockExtent e = new BlockExtent(start, len);
      if (ref.isFree(e)) {
        ag.take(start, len);
        ref.allocate(e);
      } else if (noneFree(ref, e)) {
        ag.free(start, len);
        ref.free(e);
      }
      assertEquals(ref.freeBlocks(), view.freeBlocks());
      long from = rnd.nextInt((int) (AGS * AG_BLOCKS));
      assertEquals(list(ref.fromBlock(from)), list(view.fromBlock(from)), "from " + from);
      long size = 1 + rnd.nextInt(64);
      assertEquals(ref.smallestAtLeast(size), view.smallestAtLeast(size), "size " + size);
      assertEquals(ref.largest(), view.largest());
    }
  }

  private static boolean noneFree(FreeSpaceMap ref, BlockExtent e) {
    for (long b = e.start(); b < e.end(); b++) {
      if (ref.isFree(new BlockExtent(b, 1))) {
        return false;
      }
    }
    return true;
  }

  private static List<BlockExtent> list(Iterable<BlockExtent> it) {
    List<BlockExtent> out = new ArrayList<>();
    it.forEach(out::add);
    return out;
  }
}
