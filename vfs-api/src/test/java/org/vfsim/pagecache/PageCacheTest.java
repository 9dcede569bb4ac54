package org.vfsim.pagecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class PageCacheTest {
  private static final int PAGE = Folio.SIZE;

  @Test
  void crossingTheBackgroundThresholdStartsWriteback() {
    Configuration cfg = Configuration.builder().memoryBytes(1000L * PAGE).dirtyRatios(10, 20).build();
    Machine m = Machine.boot(cfg);
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    long thresh = m.pageCache().stats().dirtyBackgroundThresh();
    assertEquals(1000 * 10 / 100, thresh);
    byte[] page = new byte[PAGE];
    for (int i = 0; i < thresh; i++) {
      sys.pwriteBytes(fd, page, (long) i * PAGE);
    }
    assertEquals(thresh, m.pageCache().stats().nrDirty());
    assertEquals(0, m.pageCache().stats().backgroundWritebackRuns(), "at the threshold: nothing");
    sys.pwriteBytes(fd, page, thresh * PAGE);
    PageCacheStats s = m.pageCache().stats();
    assertEquals(1, s.backgroundWritebackRuns(), "one page over it: the flusher runs");
    assertTrue(s.nrDirty() <= thresh / 2, "written back to half the threshold: " + s.nrDirty());
    assertEquals(thresh + 1 - s.nrDirty(), s.pagesWrittenBack());
  }

  @Test
  void periodicWritebackCleansDataOlderThanTheExpiry() {
    Configuration cfg = Configuration.builder().dirtyExpire(Duration.ofSeconds(30))
        .writebackInterval(Duration.ofSeconds(5)).build();
    Machine m = Machine.boot(cfg);
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, new byte[100], 0);
    m.clock().advance(Duration.ofSeconds(29));
    assertEquals(1, m.pageCache().stats().nrDirty(), "younger than dirty_expire");
    m.clock().advance(Duration.ofSeconds(6)); // the flusher wakes at 30 s
    assertEquals(0, m.pageCache().stats().nrDirty());
    assertEquals(1, m.pageCache().stats().pagesWrittenBack());
  }

  @Test
  void truncateUnmapsPagesBeyondEofAndZeroesTheStraddlingTail() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    byte[] data = new byte[2 * PAGE];
    Arrays.fill(data, (byte) 5);
    sys.pwriteBytes(fd, data, 0);
    long map = sys.mmap(0, 2 * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertArrayEquals(new byte[] {5}, sys.load(map + PAGE, 1));
    sys.ftruncate(fd, 100);
    ErrnoException e = assertThrows(ErrnoException.class, () -> sys.load(map + PAGE, 1));
    assertEquals(Errno.EFAULT, e.errno(), "SIGBUS beyond EOF");
    assertThrows(ErrnoException.class, () -> sys.store(map + PAGE + 10, new byte[] {1}));
    byte[] first = sys.load(map, PAGE);
    assertEquals(5, first[99]);
    assertEquals(0, first[100], "the page tail past EOF reads as zeros");
    assertEquals(1, m.pageCache().stats().nrPages());
    // A write extends the file again; the mapping sees it.
    sys.pwriteBytes(fd, new byte[] {7}, PAGE);
    assertArrayEquals(new byte[] {7}, sys.load(map + PAGE, 1));
  }

  /** Linux's truncate_pagecache unmaps private COW copies too: access past EOF is SIGBUS. */
  @Test
  void truncateAlsoUnmapsPrivateCopiesOfPagesBeyondEof() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, new byte[2 * PAGE], 0);
    long map = sys.mmap(0, 2 * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_PRIVATE, fd, 0);
    sys.store(map + PAGE, new byte[] {9}); // a private copy of page 1
    assertArrayEquals(new byte[] {9}, sys.load(map + PAGE, 1));
    sys.ftruncate(fd, PAGE);
    ErrnoException e = assertThrows(ErrnoException.class, () -> sys.load(map + PAGE, 1));
    assertEquals(Errno.EFAULT, e.errno(), "SIGBUS beyond EOF, COW copy or not");
  }

  @Test
  void reclaimRunsWhenTheCacheIsFullAndWritesBackDirtyPagesFirst() {
    Configuration cfg = Configuration.builder().memoryBytes(64L * PAGE).dirtyRatios(50, 100)
        .build();
    Machine m = Machine.boot(cfg);
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    byte[] data = new byte[PAGE];
    for (int i = 0; i < 80; i++) {
      sys.pwriteBytes(fd, data, (long) i * PAGE);
    }
    // ramfs pages are the only copy of the data: reclaim may clean them but never drop them.
    PageCacheStats s = m.pageCache().stats();
    assertEquals(80, s.nrPages());
    assertEquals(0, s.reclaimed());
    assertTrue(m.pageCache().reclaim(10) == 0);
    assertArrayEquals(data, sys.preadBytes(fd, PAGE, 79L * PAGE));
  }
}
