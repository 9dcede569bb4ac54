package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vfsim.testkit.ContractFixture.DEADLOCK_SECONDS;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.allZeroUntil;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.fill;
import static org.vfsim.testkit.ContractFixture.pattern;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.vfsim.fs.Capability;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.mm.MmapLock;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's write-path races (spec section 7), staged deterministically with hooks: the
 * source buffer is a mapping of the destination page, is unmapped between fault-in and copy,
 * is half mapped; short writes leak no space; reclaim runs during a write; {@code ENOSPC}
 * part-way and at a chosen allocation; and the ABBA case of two writers each copying from the
 * other's mapping while a third task waits for {@code mmap_lock}.
 */
interface WritePathContract extends ContractCase {
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void sourceIsAnMmapOfTheSamePage() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    long map = sys.mmap(0, 2L * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(100, sys.pwrite(fd, map, 100, 2000), "source bytes 0..99, destination 2000..");
    assertEquals(PAGE, sys.pwrite(fd, map + PAGE, PAGE, PAGE), "a whole page onto itself");
    FaultInjection.zap(fs.process().mm(), map, 2L * PAGE);
    assertEquals(300, sys.pwrite(fd, map + 10, 300, PAGE + 500), "source not present: faults");
    byte[] expect = pattern(2 * PAGE, 1);
    System.arraycopy(expect, 0, expect, 2000, 100);
    System.arraycopy(Arrays.copyOfRange(expect, 10, 310), 0, expect, PAGE + 500, 300);
    assertArrayEquals(expect, sys.preadBytes(fd, 2 * PAGE, 0));
    sys.munmap(map, 2L * PAGE);
    sys.close(fd);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void sourceUnmappedBetweenFaultInAndCopyStillWritesTheRightBytes() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    long buf = sys.mmapAnonymous(5L * PAGE);
    byte[] data = pattern(4 * PAGE, 3);
    sys.store(buf + 100, data);
    try (FaultInjection.Injection inj = FaultInjection.unmapAfterFaultIn(fs.machine(),
        sys.task(), buf, 5L * PAGE, 3)) {
      assertEquals(data.length, sys.pwrite(fd, buf + 100, data.length, 0));
      assertEquals(3, inj.fired(), "the race was staged");
    }
    assertArrayEquals(data, sys.preadBytes(fd, data.length, 0));
    // Over a page that is already cached and uptodate, too.
    sys.store(buf + 100, fill(2 * PAGE, 0x3c));
    try (FaultInjection.Injection inj = FaultInjection.unmapAfterFaultIn(fs.machine(),
        sys.task(), buf, 5L * PAGE, 2)) {
      assertEquals(2 * PAGE, sys.pwrite(fd, buf + 100, 2 * PAGE, 50));
      assertEquals(2, inj.fired());
    }
    assertArrayEquals(fill(2 * PAGE, 0x3c), sys.preadBytes(fd, 2 * PAGE, 50));
    sys.close(fd);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void halfMappedSourceWritesThePrefixThenEfault() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    long region = sys.mmapAnonymous(3L * PAGE);
    sys.munmap(region + 2L * PAGE, PAGE);
    byte[] data = pattern(2 * PAGE - 1000, 4);
    sys.store(region + 1000, data);
    // Destination page-aligned, source misaligned: the last page's copy comes up short.
    long n = sys.pwrite(fd, region + 1000, 2L * PAGE, 8L * PAGE);
    assertEquals(data.length, n, "bytes up to the unmapped page");
    assertEquals(8L * PAGE + data.length, sys.fstat(fd).size());
    assertErrno(Errno.EFAULT, () -> sys.pwrite(fd, region + 2L * PAGE, 10, 8L * PAGE + n));
    assertEquals(8L * PAGE + data.length, sys.fstat(fd).size(), "EFAULT wrote nothing");
    sys.ftruncate(fd, 11L * PAGE);
    byte[] back = sys.preadBytes(fd, 11 * PAGE, 0);
    assertArrayEquals(data, Arrays.copyOfRange(back, 8 * PAGE, 8 * PAGE + data.length));
    assertEquals(back.length, allZeroUntil(back, 8 * PAGE + data.length),
        "no byte nobody wrote: the tail of the short page reads zeros");
    assertEquals(8 * PAGE, allZeroUntil(Arrays.copyOf(back, 8 * PAGE), 0));
    // Over an uptodate page a partial copy is committed, and i_size covers only what was.
    sys.ftruncate(fd, PAGE + 100);
    sys.pwriteBytes(fd, fill(100, 0x61), PAGE);
    long m = sys.pwrite(fd, region + 2L * PAGE - 2000, PAGE, PAGE);
    assertEquals(2000, m, "bytes up to the unmapped page");
    assertEquals(PAGE + 2000, sys.fstat(fd).size(), "i_size = pos + bytes committed");
    assertArrayEquals(Arrays.copyOfRange(data, data.length - 2000, data.length),
        sys.preadBytes(fd, 2000, PAGE));
    sys.close(fd);
  }

  @Test
  default void shortWritesLeakNoSpace() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    sys.sync();
    long before = usedBytes();
    int fd = create("f");
    long region = sys.mmapAnonymous(3L * PAGE);
    sys.munmap(region + 2L * PAGE, PAGE);
    sys.store(region + 1000, pattern(2 * PAGE - 1000, 5));
    for (int i = 0; i < 16; i++) {
      long at = (long) i * 4 * PAGE;
      assertEquals(2 * PAGE - 1000, sys.pwrite(fd, region + 1000, 2L * PAGE, at));
    }
    sys.ftruncate(fd, 0);
    sys.sync();
    assertTrue(usedBytes() <= before, "truncated to 0 and synced, yet " + usedBytes()
        + " data bytes are in use (" + before + " before): a short write leaked space");
    sys.close(fd);
    sys.unlink(fs.path("f"));
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void reclaimDuringAWriteKeepsTheData() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    byte[] old = pattern(8 * PAGE, 6);
    sys.pwriteBytes(fd, old, 0);
    sys.fsync(fd);
    long buf = sys.mmapAnonymous(9L * PAGE);
    byte[] data = pattern(6 * PAGE, 7);
    sys.store(buf + 10, data);
    try (FaultInjection.Injection r1 = FaultInjection.reclaimAt(fs.machine(),
            HookPoint.AFTER_WRITE_END, sys.task(), 1 << 20, 6);
        FaultInjection.Injection r2 = FaultInjection.at(fs.machine(),
            HookPoint.BEFORE_ATOMIC_COPY, sys.task(), 6,
            t -> fs.machine().pageCache().reclaimPage(fs.machine().vfs()
                .resolve(fs.path("f")).mapping(), 7))) {
      assertEquals(data.length, sys.pwrite(fd, buf + 10, data.length, PAGE + 300));
      assertTrue(r1.fired() > 0 && r2.fired() > 0, "reclaim ran during the write");
    }
    byte[] expect = old.clone();
    System.arraycopy(data, 0, expect, PAGE + 300, data.length);
    assertArrayEquals(expect, sys.preadBytes(fd, expect.length, 0));
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(expect, sys.preadBytes(fd, expect.length, 0));
    sys.close(fd);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void enospcPartWayReturnsBytesWrittenThenEnospcAndSpaceComesBack() {
    FilesystemUnderTest small = mountSmall();
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    sys.sync();
    long before = usedBytes();
    int fd = create("f");
    byte[] chunk = pattern(1 << 20, 8);
    long total = 0;
    long n;
    long limit = 4 * small.deviceBytes();
    ErrnoException enospc = null;
    while (total < limit) {
      try {
        n = sys.pwriteBytes(fd, chunk, total);
      } catch (ErrnoException e) {
        enospc = e;
        break;
      }
      total += n;
      if (n < chunk.length) {
        // A short write: the next call at the new position must fail with ENOSPC.
        ErrnoException e = assertThrows(ErrnoException.class,
            () -> sys.pwriteBytes(fd, chunk, sys.fstat(fd).size()));
        enospc = e;
        break;
      }
    }
    assertTrue(enospc != null, "wrote " + total + " bytes to a " + small.deviceBytes()
        + "-byte filesystem without ENOSPC");
    assertEquals(Errno.ENOSPC, enospc.errno(), enospc.getMessage());
    assertTrue(total > 0);
    assertEquals(total, sys.fstat(fd).size(), "bytes reported written are the file size");
    Invariants.assertClean(fs);
    byte[] back = sys.preadBytes(fd, (int) Math.min(total, 1 << 20), 0);
    assertArrayEquals(Arrays.copyOf(chunk, back.length), back, "written bytes read back");
    sys.close(fd);
    sys.unlink(fs.path("f"));
    sys.sync();
    assertTrue(usedBytes() <= before, "space back after unlink: " + usedBytes() + " > " + before);
    int again = create("g");
    assertEquals(PAGE, sys.pwriteBytes(again, pattern(PAGE, 9), 0), "writable again");
    sys.close(again);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void enospcAtAChosenAllocationEndsTheWriteThere() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    try (FaultInjection.Injection probe = FaultInjection.countAllocations(fs.machine())) {
      sys.pwriteBytes(fd, pattern(4 * PAGE, 1), 0);
      sys.fsync(fd);
      if (fs.type().has(Capability.BLOCK_DEVICE)) {
        assertTrue(probe.reached() > 0, "an allocating filesystem must fire BLOCK_ALLOCATION");
      }
      assumeTrue(probe.reached() > 0,
          fs.type().name() + " fires no BLOCK_ALLOCATION hook (it does not allocate)");
    }
    sys.ftruncate(fd, 0);
    sys.fsync(fd);
    try (FaultInjection.Injection inj = FaultInjection.enospcAtAllocation(fs.machine(), 1, true)) {
      assertErrno(Errno.ENOSPC, () -> {
        for (int i = 0; i < 64; i++) {
          sys.pwriteBytes(fd, pattern(PAGE, i), (long) i * PAGE);
        }
        sys.fsync(fd);
      });
      assertTrue(inj.fired() > 0);
    }
    long size = sys.fstat(fd).size();
    assertEquals(0, size % PAGE, "a failed allocation leaves a whole number of written pages");
    for (long off = 0; off < size; off += PAGE) {
      assertArrayEquals(pattern(PAGE, (int) (off / PAGE)), sys.preadBytes(fd, PAGE, off));
    }
    Invariants.assertClean(fs);
    sys.close(fd);
  }

  /**
   * The ABBA case: task 1 writes page 1 of A from a mapping of page 1 of B while task 2 writes
   * page 1 of B from a mapping of page 1 of A; both hold their destination page lock with the
   * source not present, and a third task is queued for {@code mmap_lock} in write mode. A
   * write path that faulted under the page lock would deadlock here (and lockdep says so).
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void abbaWritesFromEachOthersMappingsWithAQueuedMmapWriter() throws Exception {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fa = create("a");
    int fb = create("b");
    sys.pwriteBytes(fa, fill(2 * PAGE, 0xa1), 0);
    sys.pwriteBytes(fb, fill(2 * PAGE, 0xb2), 0);
    long mapA = sys.mmap(0, 2L * PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fa, 0);
    long mapB = sys.mmap(0, 2L * PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fb, 0);
    sys.load(mapA, 2 * PAGE); // fault both in: mmap_lock -> page lock is now a known order
    sys.load(mapB, 2 * PAGE);

    Syscalls t1 = fs.newThread("abba-1");
    Syscalls t2 = fs.newThread("abba-2");
    Syscalls t3 = fs.newThread("mmap-writer");
    Task holder = fs.process().newThread("mmap-reader");
    MmapLock mmapLock = fs.process().mm().mmapLock();
    Set<Task> writers = Set.of(t1.task(), t2.task());
    CyclicBarrier bothLocked = new CyclicBarrier(2);
    CountDownLatch writerQueued = new CountDownLatch(1);
    CountDownLatch lockedPhase = new CountDownLatch(2);
    CountDownLatch readersWaiting = new CountDownLatch(2);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Set<Task> staged = ConcurrentHashMap.newKeySet();

    Runnable removeCopyHook = fs.machine().hooks().install(HookPoint.BEFORE_ATOMIC_COPY, t -> {
      if (!writers.contains(t) || !staged.add(t)) {
        return;
      }
      // Holding the destination page lock: take the source out of the page table, wait until
      // the other writer holds its page lock too and the mmap writer is queued.
      FaultInjection.zap(fs.process().mm(), t == t1.task() ? mapB + PAGE : mapA + PAGE, PAGE);
      lockedPhase.countDown();
      try {
        bothLocked.await(DEADLOCK_SECONDS, TimeUnit.SECONDS);
        writerQueued.await(DEADLOCK_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Runnable removeQueueHook = fs.machine().hooks().install(HookPoint.MMAP_WRITER_QUEUED,
        t -> writerQueued.countDown());
    AtomicInteger readerWaits = new AtomicInteger();
    Runnable removeWaitHook = fs.machine().hooks().install(HookPoint.MMAP_READER_WAIT, t -> {
      if (writers.contains(t)) {
        readerWaits.incrementAndGet();
        readersWaiting.countDown();
      }
    });
    List<Thread> threads = new ArrayList<>();
    try {
      threads.add(start("abba-1", errors, () -> {
        assertEquals(PAGE, t1.pwrite(fa, mapB + PAGE, PAGE, PAGE));
      }, readersWaiting));
      threads.add(start("abba-2", errors, () -> {
        assertEquals(PAGE, t2.pwrite(fb, mapA + PAGE, PAGE, PAGE));
      }, readersWaiting));
      assertTrue(lockedPhase.await(DEADLOCK_SECONDS, TimeUnit.SECONDS) || !errors.isEmpty(),
          "both writers should reach their atomic copy: " + errors);
      mmapLock.readLock(holder); // so that the mmap writer has to queue
      threads.add(start("mmap-writer", errors, () -> t3.mmapAnonymous(PAGE), null));
      assertTrue(writerQueued.await(DEADLOCK_SECONDS, TimeUnit.SECONDS), "writer queued");
      // Both writers retry; their fault-in must wait behind the queued writer, holding no page.
      readersWaiting.await(DEADLOCK_SECONDS, TimeUnit.SECONDS);
      mmapLock.readUnlock(holder);
      for (Thread th : threads) {
        th.join(Duration.ofSeconds(DEADLOCK_SECONDS));
        assertFalse(th.isAlive(), th.getName() + " deadlocked");
      }
    } finally {
      removeCopyHook.run();
      removeQueueHook.run();
      removeWaitHook.run();
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("a task failed in the ABBA race: " + errors.peek(), errors.peek());
    }
    assertEquals(2, readerWaits.get(), "both writers retried their fault-in behind the queued"
        + " mmap writer, holding no page lock (the race was staged)");
    byte[] a1 = sys.preadBytes(fa, PAGE, PAGE);
    byte[] b1 = sys.preadBytes(fb, PAGE, PAGE);
    for (int i = 0; i < PAGE; i++) {
      assertTrue(a1[i] == (byte) 0xa1 || a1[i] == (byte) 0xb2, "A byte " + i + ": " + a1[i]);
      assertTrue(b1[i] == (byte) 0xa1 || b1[i] == (byte) 0xb2, "B byte " + i + ": " + b1[i]);
    }
    assertArrayEquals(fill(PAGE, 0xa1), sys.preadBytes(fa, PAGE, 0), "page 0 untouched");
    assertArrayEquals(fill(PAGE, 0xb2), sys.preadBytes(fb, PAGE, 0), "page 0 untouched");
    sys.munmap(mapA, 2L * PAGE);
    sys.munmap(mapB, 2L * PAGE);
    sys.close(fa);
    sys.close(fb);
  }

  private static Thread start(String name, ConcurrentLinkedQueue<Throwable> errors,
      Executable body, CountDownLatch onExit) {
    Thread t = new Thread(() -> {
      try {
        body.execute();
      } catch (Throwable e) {
        errors.add(e);
      } finally {
        if (onExit != null) {
          // A writer that ended (or died) will never wait for mmap_lock: do not wait for it.
          onExit.countDown();
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
