package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FsckReport;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/** Short and failed writes leak no reservation; the accounting always balances. */
@ExtendWith(LockValidatorExtension.class)
class ReservationTest {
  static final int BS = 4096;

  /** Delayed blocks of the file that no dirty page covers. */
  private static long delayedWithoutDirtyPage(XfsInode ip) {
    long n = 0;
    for (ExtentMap.Irec r : ip.extents().all()) {
      if (r.isDelay()) {
        for (long b = r.off(); b < r.end(); b++) {
          Folio f = ip.mapping().lookup(b);
          if (f == null || !f.isDirty()) {
            n++;
          }
        }
      }
    }
    return n;
  }

  @Test
  void shortWriteFromHalfMappedSourcePunchesTheUnusedReservation() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    int fd = f.create("a");
    long buf = f.sys.mmapAnonymous(4 * BS);
    f.sys.store(buf, XfsFixture.pattern(4 * BS, 1));
    f.sys.munmap(buf + 2 * BS, 2 * BS);
    assertEquals(2L * BS, f.sys.pwrite(fd, buf, 4 * BS, 0));
    f.check();
    XfsInode ip = f.inode("a");
    assertEquals(2, ip.delayedBlocks(), "only the two dirty pages keep their reservation");
    assertEquals(0, delayedWithoutDirtyPage(ip));
    assertEquals(2 + ExtentMap.worstIndlen(2), f.sb.space().reservedData() + f.sb.space().reservedIndlen());
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwrite(fd, buf + 2 * BS, BS, 2 * BS));
    assertEquals(Errno.EFAULT, e.errno());
    assertEquals(0, delayedWithoutDirtyPage(ip));
    f.check();
  }

  /** Fills the filesystem with a fallocated file so that exactly {@code leave} blocks stay free. */
  private static void fill(XfsFixture f, long leave) {
    int fd = f.create("filler");
    long free = f.sb.fdblocks();
    f.sys.fallocate(fd, 0, 0, (free - leave) * BS);
    f.sys.close(fd);
    assertEquals(leave, f.sb.fdblocks());
  }

  @Test
  void enospcPartWayReturnsTheMappedPartAndLeaksNothing() {
    XfsFixture f = new XfsFixture(16L << 20, false, "agcount=1", "");
    int fd = f.create("a");
    f.sys.pwriteBytes(fd, new byte[2 * BS], 0);
    f.sys.fsync(fd);
    fill(f, 0);
    // The first mapping (written blocks 0-1) is copied; the hole after it cannot be reserved.
    byte[] data = XfsFixture.pattern(6 * BS, 2);
    assertEquals(2L * BS, f.sys.pwriteBytes(fd, data, 0));
    f.check();
    assertEquals(0, f.inode("a").delayedBlocks());
    assertEquals(2L * BS, f.sys.fstat(fd).size());
    // Nothing can be written now: ENOSPC (after the flush-and-trim retry).
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwriteBytes(fd, data, 2 * BS));
    assertEquals(Errno.ENOSPC, e.errno());
    // Only the call that wrote nothing flushed and retried (xfs_file_buffered_write).
    assertEquals(1, f.sb.counter(Counter.ENOSPC_RETRIES));
    f.check();
    assertEquals(0, f.sb.space().reservedData());
  }

  @Test
  void enospcWithDirtyDataThatWritebackFreesSucceedsOnRetry() {
    XfsFixture f = new XfsFixture(16L << 20, false, "agcount=1", "");
    fill(f, 40);
    int a = f.create("a");
    // 8 dirty blocks reserve 8 + indlen; writeback returns most of the indlen.
    f.sys.pwriteBytes(a, new byte[8 * BS], 0);
    long free = f.sb.fdblocks();
    int b = f.create("b");
    long need = free + 1 - ExtentMap.worstIndlen(free + 1);
    assertTrue(need + ExtentMap.worstIndlen(need) > free);
    byte[] data = new byte[(int) (need * BS)];
    assertEquals(data.length, f.sys.pwriteBytes(b, data, 0));
    assertEquals(1, f.sb.counter(Counter.ENOSPC_RETRIES));
    f.check();
  }

  @Test
  void allocationHookFiresOncePerCallAndItsEnospcMeansNoSpace() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "alloc=unwritten");
    AtomicInteger fired = new AtomicInteger();
    Runnable undo = f.m.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> fired.incrementAndGet());
    int fd = f.create("a");
    for (int i = 0; i < 5; i++) {
      f.sys.pwriteBytes(fd, new byte[BS], (long) i * 3 * BS);
    }
    f.sys.fsync(fd);
    assertEquals(f.sb.counter(Counter.ALLOC_CALLS), fired.get());
    assertEquals(5, fired.get());
    undo.run();
    f.m.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      throw Errno.ENOSPC.exception("injected");
    });
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwriteBytes(fd, new byte[BS], 100 * BS));
    assertEquals(Errno.ENOSPC, e.errno());
    assertEquals(15L * BS - 2 * BS, f.sys.fstat(fd).size());
    f.check();
  }

  @Test
  void injectedEnospcAtWritebackReportsTheErrorAndDropsTheReservation() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    int fd = f.create("a");
    f.sys.pwriteBytes(fd, new byte[4 * BS], 0);
    f.m.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      throw Errno.ENOSPC.exception("injected");
    });
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.fsync(fd));
    assertEquals(Errno.ENOSPC, e.errno());
    assertEquals(0, f.sb.space().reservedData());
    f.check();
  }

  @Test
  void fsckCatchesEachDeliberateCorruption() {
    for (String what : new String[] {"cntbt", "fdblocks", "double-free", "leak", "inobt"}) {
      XfsFixture f = new XfsFixture(64L << 20, false, "", "");
      int fd = f.create("a");
      f.sys.pwriteBytes(fd, new byte[4 * BS], 0);
      f.sys.fsync(fd);
      assertTrue(f.sb.fsck().isClean());
      Corruptions.apply(f.sb, what);
      FsckReport r = f.sb.fsck();
      assertFalse(r.isClean(), what + " went unnoticed");
      if (what.equals("leak")) {
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("(leaked)")), r::toString);
      }
      assertThrows(AssertionError.class, f::check, "the fixture's check catches " + what);
      System.out.println("fsck after corrupting " + what + ": " + r);
    }
  }
}
