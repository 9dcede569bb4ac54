package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

@ExtendWith(LockValidatorExtension.class)
class EnospcTest {
  private static Rig small(String mount) {
    return new Rig(4L << 20, "", mount);
  }

  @Test
  void writeNeedingPinnedSpaceSucceedsAfterTheCommitTheReservationTriggers() {
    Rig r = small("");
    long total = r.counter("data_total");
    int big = (int) (total * 6 / 10) / Rig.PAGE * Rig.PAGE;
    int fd = r.create("/mnt/a");
    r.sys.pwriteBytes(fd, Rig.pattern(big, 1), 0);
    r.sys.close(fd);
    r.sys.sync();
    r.sys.unlink("/mnt/a"); // its extents are freed but pinned until the next commit
    assertEquals(big, r.counter("data_pinned"));
    assertTrue(r.counter("data_free") < big, "the new write does not fit beside pinned space");
    long commits = r.counter("commits");
    int fd2 = r.create("/mnt/b");
    assertEquals(big, r.sys.pwriteBytes(fd2, Rig.pattern(big, 2), 0));
    assertEquals(1, r.counter("enospc_flushes"));
    assertTrue(r.counter("commits") > commits, "the reservation path committed");
    assertEquals(0, r.counter("data_pinned"));
    assertEquals(0, r.counter("enospc"));
    r.assertClean();
    r.sys.sync();
    assertArrayEquals(Rig.pattern(big, 2), r.sys.preadBytes(fd2, big, 0));
    r.assertClean();
  }

  @Test
  void writeThatDoesNotFitReturnsPartialCountThenEnospc() {
    Rig r = small("");
    int fd = r.create("/mnt/f");
    long free = r.counter("data_free");
    int len = (int) free + 10 * Rig.PAGE;
    long got = r.sys.pwriteBytes(fd, Rig.pattern(len, 5), 0);
    assertEquals(free, got, "every page that had space was written");
    r.assertClean();
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> r.sys.pwriteBytes(fd, Rig.pattern(Rig.PAGE, 6), got));
    assertEquals(Errno.ENOSPC, e.errno());
    assertEquals(got, r.sys.fstat(fd).size());
    r.assertClean();
    r.sys.sync();
    assertEquals(0, r.counter("data_may_use"));
    assertEquals(free, r.counter("data_used"));
    assertEquals(0, r.counter("data_free"));
    assertArrayEquals(java.util.Arrays.copyOf(Rig.pattern(len, 5), (int) got),
        r.sys.preadBytes(fd, len, 0));
    r.assertClean();
  }

  @Test
  void multiPageChunkThatDoesNotFitStillWritesWhatFits() {
    Rig r = small("max_chunk_pages=8");
    int fd = r.create("/mnt/f");
    long free = r.counter("data_free");
    long got = r.sys.pwriteBytes(fd, Rig.pattern((int) free + 3 * Rig.PAGE, 7), 0);
    // Chunks of 8 pages reserve together; the last chunk that fits whole is the end.
    assertEquals(free / (8 * Rig.PAGE) * 8 * Rig.PAGE, got);
    r.assertClean();
  }

  @Test
  void injectedAllocationFailureAtWritebackIsAWritebackError() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(8 * Rig.PAGE, 1), 0);
    Runnable off = r.m.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      throw Errno.ENOSPC.exception("injected");
    });
    ErrnoException e = assertThrows(ErrnoException.class, () -> r.sys.fsync(fd));
    assertEquals(Errno.ENOSPC, e.errno());
    off.run();
    assertTrue(r.counter("allocation_failures") >= 1);
    assertEquals(0, r.counter("data_may_use"), "the failed pages' reservations were released");
    r.assertClean();
  }
}
