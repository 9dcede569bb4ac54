package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FallocMode;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.xfsish.ExtentMap.Irec;
import org.vfsim.xfsish.ExtentMap.State;

/** Record splitting and merging, MAXEXTLEN, and the worst-case indlen. */
@ExtendWith(LockValidatorExtension.class)
class ExtentMapTest {
  /** A bank with {@code free} blocks that records what it lent and got back. */
  static final class Bank implements ExtentMap.IndlenBank {
    long free;
    long splits;
    long merges;

    Bank(long free) {
      this.free = free;
    }

    @Override
    public long take(long want) {
      long got = Math.min(want, free);
      free -= got;
      return got;
    }

    @Override
    public void give(long n) {
      free += n;
    }

    @Override
    public void split() {
      splits++;
    }

    @Override
    public void merged() {
      merges++;
    }
  }

  @Test
  void worstIndlenCountsOneBlockPerLevelOfAFullSplit() {
    // One leaf of 251 records and a path to the root: 1 + (MAXLEVELS - 1).
    assertEquals(ExtentMap.BM_MAXLEVELS, ExtentMap.worstIndlen(1));
    assertEquals(ExtentMap.BM_MAXLEVELS, ExtentMap.worstIndlen(251));
    // 252 records need two leaves and one node above them.
    assertEquals(2 + 1 + ExtentMap.BM_MAXLEVELS - 2, ExtentMap.worstIndlen(252));
  }

  @Test
  void delayedRecordsMergeUpToMaxextlenAndGiveBackIndlen() {
    ExtentMap m = new ExtentMap();
    Bank bank = new Bank(0);
    m.insert(new Irec(0, 0, 100, State.DELAY, ExtentMap.worstIndlen(100)));
    m.insert(new Irec(100, 0, 100, State.DELAY, ExtentMap.worstIndlen(100)));
    m.mergeAround(100, bank);
    assertEquals(1, m.count());
    assertEquals(ExtentMap.worstIndlen(200), m.lookup(0).indlen());
    assertEquals(2 * ExtentMap.worstIndlen(100) - ExtentMap.worstIndlen(200), bank.free);
    long big = ExtentMap.MAXEXTLEN - 150;
    m.insert(new Irec(200, 0, big, State.DELAY, ExtentMap.worstIndlen(big)));
    m.mergeAround(200, bank);
    assertEquals(2, m.count(), "the sum would pass MAXEXTLEN");
    assertTrue(m.all().stream().allMatch(r -> r.len() <= ExtentMap.MAXEXTLEN));
  }

  @Test
  void splittingADelayedRecordTakesExtraIndlenOrSharesTheOld() {
    ExtentMap m = new ExtentMap();
    m.insert(new Irec(0, 0, 10, State.DELAY, ExtentMap.worstIndlen(10)));
    Bank rich = new Bank(100);
    m.splitAt(4, rich);
    assertEquals(ExtentMap.worstIndlen(4), m.lookup(0).indlen());
    assertEquals(ExtentMap.worstIndlen(6), m.lookup(4).indlen());
    assertEquals(100 - ExtentMap.worstIndlen(10), rich.free);
    ExtentMap poor = new ExtentMap();
    poor.insert(new Irec(0, 0, 10, State.DELAY, ExtentMap.worstIndlen(10)));
    poor.splitAt(4, new Bank(0));
    assertEquals(ExtentMap.worstIndlen(10), poor.lookup(0).indlen() + poor.lookup(4).indlen());
  }

  @Test
  void realRecordsMergeOnlyWhenContiguousOnDisk() {
    ExtentMap m = new ExtentMap();
    Bank bank = new Bank(0);
    m.insert(new Irec(0, 1000, 10, State.NORM, 0));
    m.insert(new Irec(10, 1010, 10, State.NORM, 0));
    m.insert(new Irec(20, 2000, 10, State.NORM, 0));
    m.insert(new Irec(30, 2010, 10, State.UNWRITTEN, 0));
    m.mergeRange(0, 40, bank);
    assertEquals(3, m.count());
    assertEquals(20, m.lookup(0).len());
  }

  @Test
  void fallocateLongerThanMaxextlenMakesSeveralRecords() {
    XfsFixture f = new XfsFixture(10L << 30, true, "agcount=1", "");
    int fd = f.create("huge");
    long blocks = ExtentMap.MAXEXTLEN + 100;
    f.sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, blocks * 4096);
    XfsInode ip = f.inode("huge");
    assertEquals(2, ip.extents().count());
    assertTrue(ip.extents().all().stream().allMatch(r -> r.len() <= ExtentMap.MAXEXTLEN));
    assertEquals(blocks, ip.realBlocks());
    f.check();
  }
}
