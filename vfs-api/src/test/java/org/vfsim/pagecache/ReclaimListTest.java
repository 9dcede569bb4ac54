package org.vfsim.pagecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The reclaim list and a mapping's own lock are never taken one inside the other: a writer adding
 * a mapping's first page used to take the list's lock under the mapping's, while reclaim asked
 * each mapping for its page count under the list's lock, and the two deadlocked (CI, 2026-11-26).
 */
@ExtendWith(LockValidatorExtension.class)
class ReclaimListTest {
  private static final int PAGE = Folio.SIZE;

  @Test
  void reclaimDoesNotWaitForAMappingsLock() throws Exception {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, new byte[4 * PAGE], 0);
    sys.ftruncate(fd, 0); // empty, but still on the reclaim list until reclaim prunes it
    Mapping mapping = sys.file(fd).inode().mapping();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> {
      synchronized (mapping) { // the mapping's lock, as a writer adding a page holds it
        held.countDown();
        awaitQuietly(release);
      }
    });
    held.await();
    try {
      // Before the fix, pruning asked the mapping for its count under the mapping's lock and
      // waited here for as long as the holder kept it.
      assertEquals(0, assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> m.pageCache().reclaim(1)));
      assertEquals(0, m.pageCache().reclaimListLength(), "the empty mapping was pruned");
    } finally {
      release.countDown();
      holder.join();
    }
  }

  @Test
  void aMappingThatEmptiesAndRefillsIsListedOnce() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    for (int round = 0; round < 3; round++) {
      sys.pwriteBytes(fd, new byte[PAGE], 0);
      sys.ftruncate(fd, 0); // the mapping empties; reclaim has not pruned it yet
    }
    sys.pwriteBytes(fd, new byte[2 * PAGE], 0);
    assertEquals(1, m.pageCache().reclaimListLength());
    assertEquals(2, sys.file(fd).inode().mapping().nrPages());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
