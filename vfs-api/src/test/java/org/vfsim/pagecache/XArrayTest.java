package org.vfsim.pagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class XArrayTest {
  @Test
  void storeLoadEraseAcrossLevels() {
    XArray<String> xa = new XArray<>();
    assertNull(xa.load(0));
    assertNull(xa.store(5, "a"));
    assertNull(xa.store(1L << 40, "far"));
    assertEquals("a", xa.store(5, "b"));
    assertEquals("b", xa.load(5));
    assertEquals("far", xa.load(1L << 40));
    assertEquals(2, xa.size());
    assertNull(xa.load(-1));
    assertThrows(IllegalArgumentException.class, () -> xa.store(-1, "x"));
    int tall = xa.height();
    assertEquals("far", xa.erase(1L << 40));
    assertNull(xa.erase(1L << 40));
    assertTrue(xa.height() < tall, "erasing the far entry shrank the tree");
    assertEquals(1, xa.height(), "index 5 needs one level");
    assertEquals("b", xa.load(5));
    assertEquals(1, xa.size());
    assertEquals(-1, xa.nextPresent(6), "the emptied subtree is gone from searches");
    assertEquals("b", xa.erase(5));
    assertEquals(0, xa.size());
    assertEquals(-1, xa.nextPresent(0), "an empty array shrank to nothing");
    assertNull(xa.store(3, "again"));
    assertEquals(3, xa.nextPresent(0));
  }

  @Test
  void marksAreSummarisedAndClearedWithTheEntry() {
    XArray<Integer> xa = new XArray<>();
    for (long i = 0; i < 10_000; i += 7) {
      xa.store(i, (int) i);
    }
    xa.setMark(700, 0);
    xa.setMark(9_996, 0);
    xa.setMark(700, 1);
    assertTrue(xa.getMark(700, 0));
    assertFalse(xa.getMark(707, 0));
    assertEquals(700, xa.nextMarked(0, 0));
    assertEquals(9_996, xa.nextMarked(701, 0));
    assertEquals(-1, xa.nextMarked(9_997, 0));
    assertEquals(700, xa.nextMarked(0, 1));
    xa.clearMark(700, 0);
    assertEquals(9_996, xa.nextMarked(0, 0));
    assertTrue(xa.getMark(700, 1), "marks are independent");
    xa.erase(700);
    assertEquals(-1, xa.nextMarked(0, 1), "erase clears the entry's marks");
    assertThrows(IllegalStateException.class, () -> new XArray<String>().setMark(0, 0));
  }

  @Test
  void randomOperationsAgreeWithASortedMapModel() {
    long seed = 42;
    System.out.println("XArrayTest seed " + seed);
    Random r = new Random(seed);
    XArray<Long> xa = new XArray<>();
    TreeMap<Long, Long> model = new TreeMap<>();
    TreeSet<Long> marked = new TreeSet<>();
    for (int op = 0; op < 20_000; op++) {
      long idx = r.nextInt(4) == 0 ? r.nextLong(1L << 30) : r.nextInt(5000);
      switch (r.nextInt(4)) {
        case 0, 1 -> assertEquals(model.put(idx, idx), xa.store(idx, idx));
        case 2 -> {
          assertEquals(model.remove(idx), xa.erase(idx));
          marked.remove(idx);
        }
        default -> {
          if (model.containsKey(idx)) {
            xa.setMark(idx, 0);
            marked.add(idx);
          }
        }
      }
      long from = r.nextInt(6000);
      Long next = model.ceilingKey(from);
      assertEquals(next == null ? -1 : next, xa.nextPresent(from));
      Long nextMarked = marked.ceiling(from);
      assertEquals(nextMarked == null ? -1 : nextMarked, xa.nextMarked(from, 0));
      assertEquals(model.size(), xa.size());
    }
  }
}
