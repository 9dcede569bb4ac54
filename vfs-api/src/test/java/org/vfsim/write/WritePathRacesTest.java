package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.write.Fixture.PAGE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The races of write-path.md section 7, staged with hooks, against the generic write path
 * (ramfs) and a filesystem's own perform_write (pwfs). After each scenario the section 6
 * invariants hold: no lock held, accounting balanced, read-back equal to what write reported.
 */
@ExtendWith(LockValidatorExtension.class)
class WritePathRacesTest {
  /** Bounds a staged race that would otherwise hang the build if the kernel deadlocked. */
  private static final long DEADLOCK_TIMEOUT_SECONDS = 20;

  private static long shared(Syscalls sys, int fd, long len) {
    return sys.mmap(0, len, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void sourceIsSamePageOfDestinationNotYetFaultedIn(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] model = Fixture.pattern(2 * PAGE, 1);
    f.sys.pwriteBytes(fd, model, 0);
    long map = shared(f.sys, fd, 2 * PAGE); // not touched: the write's fault-in must map it
    assertFalse(f.process.mm().isPresent(map));

    assertEquals(1000, f.sys.pwrite(fd, map + 10, 1000, 2000));

    model = Fixture.apply(model, 2000, Arrays.copyOfRange(model, 10, 1010), 1000);
    f.assertContents(fd, model);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void sourceIsSamePageAndIsUnmappedWhileThePageIsLocked(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] model = Fixture.pattern(PAGE, 2);
    f.sys.pwriteBytes(fd, model, 0);
    long map = shared(f.sys, fd, PAGE);
    Mapping mapping = f.inode(fd).mapping();
    AtomicInteger copies = new AtomicInteger();
    f.machine.hooks().install(HookPoint.BEFORE_ATOMIC_COPY, t -> copies.incrementAndGet());
    // With the destination page locked, its only mapping (the source) goes away: the atomic
    // copy must come up short rather than fault on the page this task holds.
    f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, f.sys.task(),
        t -> mapping.unmapRange(0, 0));

    assertEquals(100, f.sys.pwrite(fd, map, 100, 3000));

    assertTrue(copies.get() >= 2, "the short copy was retried: " + copies.get());
    model = Fixture.apply(model, 3000, Arrays.copyOfRange(model, 0, 100), 100);
    f.assertContents(fd, model);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void sourceOverlapsDestinationPages(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] model = Fixture.pattern(4 * PAGE, 3);
    f.sys.pwriteBytes(fd, model, 0);
    long map = shared(f.sys, fd, 4 * PAGE);
    int src = 50;
    int dst = src + PAGE + 100; // more than a chunk apart: chunked copy == forward byte copy
    int len = 2 * PAGE + 300;

    assertEquals(len, f.sys.pwrite(fd, map + src, len, dst));

    for (int i = 0; i < len; i++) {
      model[dst + i] = model[src + i]; // the copy runs forward, page by page
    }
    f.assertContents(fd, model);
    f.checkInvariants();
  }

  /**
   * The ABBA case: task A writes file X's page from a mapping of file Y's page, task B the
   * reverse; both hold their destination page lock when a fourth task faulting on X holds
   * mmap_lock for read and a third task queues for it in write mode (munmap). A write path that
   * faulted under its page lock would deadlock here; the rule makes it complete.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void oppositeWritersWithQueuedMmapWriterComplete(String fs) throws Exception {
    Fixture f = Fixture.boot(fs, "");
    int fx = f.create("x");
    int fy = f.create("y");
    byte[] x = Fixture.pattern(PAGE, 4);
    byte[] y = Fixture.pattern(PAGE, 5);
    f.sys.pwriteBytes(fx, x, 0);
    f.sys.pwriteBytes(fy, y, 0);
    long mapX = shared(f.sys, fx, PAGE);
    long mapY = shared(f.sys, fy, PAGE);
    long spare = f.sys.mmapAnonymous(PAGE);
    f.sys.load(mapX, 1); // both sources present: the fault-ins take no page lock
    f.sys.load(mapY, 1);
    Syscalls a = f.thread("A");
    Syscalls b = f.thread("B");
    Syscalls c = f.thread("C");
    Syscalls d = f.thread("D");
    Mapping mx = f.inode(fx).mapping();
    Mapping my = f.inode(fy).mapping();

    CountDownLatch bothLocked = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch dWaits = new CountDownLatch(1);
    CountDownLatch cQueued = new CountDownLatch(1);
    for (Syscalls s : new Syscalls[] {a, b}) {
      f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, s.task(), t -> {
        bothLocked.countDown();
        await(go);
      });
    }
    f.machine.hooks().once(HookPoint.FOLIO_LOCK_WAIT, d.task(), t -> dWaits.countDown());
    f.machine.hooks().once(HookPoint.MMAP_WRITER_QUEUED, c.task(), t -> cQueued.countDown());

    ExecutorService threads = Executors.newCachedThreadPool(); // one Java thread per task
    CompletableFuture<Long> wa = CompletableFuture.supplyAsync(() -> a.pwrite(fx, mapY, PAGE, 0), threads);
    CompletableFuture<Long> wb = CompletableFuture.supplyAsync(() -> b.pwrite(fy, mapX, PAGE, 0), threads);
    await(bothLocked);
    // Both sources leave the page tables: the atomic copies will be short and must retry.
    mx.unmapRange(0, 0);
    my.unmapRange(0, 0);
    CompletableFuture<byte[]> fault = CompletableFuture.supplyAsync(() -> d.load(mapX, 1), threads);
    await(dWaits); // D holds mmap_lock (read) and waits for A's page lock
    CompletableFuture<Void> munmap = CompletableFuture.runAsync(() -> c.munmap(spare, PAGE), threads);
    await(cQueued); // C is queued for mmap_lock (write): new readers now wait behind it
    go.countDown();

    assertEquals(PAGE, wa.get(DEADLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertEquals(PAGE, wb.get(DEADLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    fault.get(DEADLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    munmap.get(DEADLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    threads.shutdown();

    // Each copy read its source at copy time; whichever ran second saw the other's result.
    byte[] gotX = f.sys.preadBytes(fx, PAGE, 0);
    byte[] gotY = f.sys.preadBytes(fy, PAGE, 0);
    boolean aFirst = Arrays.equals(gotX, y) && Arrays.equals(gotY, y);
    boolean bFirst = Arrays.equals(gotY, x) && Arrays.equals(gotX, x);
    assertTrue(aFirst || bFirst, "X and Y are the result of one serial order of the two writes");
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void anonymousSourceReclaimedBetweenFaultInAndCopyStillWritesTheRightBytes(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(3 * PAGE, 6);
    long buf = f.userBuffer(data);
    Mm mm = f.process.mm();
    AtomicInteger faultIns = new AtomicInteger();
    // Every chunk's source page goes to swap right after it was faulted in, the first time.
    f.machine.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      int n = faultIns.getAndIncrement();
      if (n % 2 == 0) {
        mm.reclaimUserPage(buf + (long) (n / 2) * PAGE);
      }
    });

    assertEquals(3 * PAGE, f.sys.pwrite(fd, buf, 3 * PAGE, 0));

    assertEquals(6, faultIns.get(), "each chunk faulted in twice");
    f.assertContents(fd, data);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void sourceDroppedByMadvDontneedBetweenFaultInAndCopyWritesWhatMemoryHolds(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(2 * PAGE, 7);
    long buf = f.userBuffer(data);
    Syscalls other = f.thread("other");
    f.machine.hooks().once(HookPoint.AFTER_FAULT_IN, f.sys.task(),
        t -> other.madvise(buf, PAGE, Fcntl.MADV_DONTNEED));

    assertEquals(2 * PAGE, f.sys.pwrite(fd, buf, 2 * PAGE, 0));

    // MADV_DONTNEED on private anonymous memory: the page refaults as zeros.
    byte[] expected = data.clone();
    Arrays.fill(expected, 0, PAGE, (byte) 0);
    f.assertContents(fd, expected);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void sourceMunmappedBetweenFaultInAndCopyEndsTheWriteThere(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(3 * PAGE, 8);
    long buf = f.userBuffer(data);
    Syscalls other = f.thread("other");
    AtomicInteger faultIns = new AtomicInteger();
    f.machine.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      if (faultIns.getAndIncrement() == 1) {
        other.munmap(buf + PAGE, PAGE); // the second chunk's source, after its fault-in
      }
    });

    assertEquals(PAGE, f.sys.pwrite(fd, buf, 3 * PAGE, 0));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.sys.pwrite(fd, buf + PAGE, 2 * PAGE, PAGE));
    assertEquals(Errno.EFAULT, e.errno());

    f.assertContents(fd, Arrays.copyOf(data, PAGE));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void fileBackedSourcePageReclaimedBetweenFaultInAndCopy(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int src = f.create("src");
    int dst = f.create("dst");
    byte[] data = Fixture.pattern(2 * PAGE, 9);
    f.sys.pwriteBytes(src, data, 0);
    f.sys.fsync(src);
    long map = shared(f.sys, src, 2 * PAGE);
    Mapping srcMapping = f.inode(src).mapping();
    f.machine.hooks().once(HookPoint.AFTER_FAULT_IN, f.sys.task(),
        t -> f.machine.pageCache().reclaimPage(srcMapping, 0));

    assertEquals(2 * PAGE, f.sys.pwrite(dst, map, 2 * PAGE, 0));

    f.assertContents(dst, data);
    f.assertContents(src, data);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void halfMappedSourceGivesPartialCountThenEfault(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(2 * PAGE, 10);
    long buf = f.userBuffer(data);
    f.sys.munmap(buf + PAGE, PAGE);
    int start = 1000; // unaligned: the first chunk straddles nothing, the second hits the hole

    assertEquals(PAGE - start, f.sys.pwrite(fd, buf + start, 2 * PAGE - start, 0));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.sys.pwrite(fd, buf + PAGE, PAGE, PAGE - start));
    assertEquals(Errno.EFAULT, e.errno());

    f.assertContents(fd, Arrays.copyOfRange(data, start, PAGE));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void reclaimOfCleanAndDirtyDestinationPagesDuringAWrite(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] model = Fixture.pattern(4 * PAGE, 11);
    f.sys.pwriteBytes(fd, Arrays.copyOf(model, 2 * PAGE), 0);
    f.sys.fsync(fd); // pages 0 and 1 clean
    f.sys.pwriteBytes(fd, Arrays.copyOfRange(model, 2 * PAGE, 4 * PAGE), 2 * PAGE); // 2, 3 dirty
    Mapping mapping = f.inode(fd).mapping();
    byte[] data = Fixture.pattern(3 * PAGE, 12);
    long buf = f.userBuffer(data);
    int pos = 100;
    boolean evicts = fs.equals("pwfs"); // ramfs pages are the only copy: never evicted
    boolean[] lockedReclaim = new boolean[1];
    boolean[] freed = new boolean[3];
    AtomicInteger faultIns = new AtomicInteger();
    f.machine.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      if (faultIns.getAndIncrement() == 0) {
        freed[0] = f.machine.pageCache().reclaimPage(mapping, 1); // clean, next to be written
        freed[1] = f.machine.pageCache().reclaimPage(mapping, 2); // dirty: written back first
        freed[2] = f.machine.pageCache().reclaimPage(mapping, 3); // dirty, only partly overwritten
      }
    });
    f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, f.sys.task(),
        t -> lockedReclaim[0] = f.machine.pageCache().reclaimPage(mapping, 0));

    assertEquals(3 * PAGE, f.sys.pwrite(fd, buf, 3 * PAGE, pos));

    assertFalse(lockedReclaim[0], "a locked destination page is never reclaimed");
    assertArrayEquals(new boolean[] {evicts, evicts, evicts}, freed);
    model = Fixture.apply(model, pos, data, 3 * PAGE);
    f.assertContents(fd, model);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void enospcInTheMiddleReturnsProgressThenEnospcAndLeaksNothing(String fs) {
    int limitPages = 8;
    // pwfs charges a dirty page twice (data and its delalloc metadata): same room for 8 pages.
    Fixture f = Fixture.boot(fs, fs.equals("ramfs") ? "size=" + limitPages * PAGE
        : "noflush,size=" + 2 * limitPages * PAGE);
    int fd = f.create("f");
    byte[] data = Fixture.pattern(12 * PAGE, 13);
    long buf = f.userBuffer(data);

    assertEquals(limitPages * PAGE, f.sys.pwrite(fd, buf, data.length, 0));
    f.checkInvariants();
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.sys.pwrite(fd, buf + limitPages * PAGE, data.length - limitPages * PAGE,
            limitPages * PAGE));
    assertEquals(Errno.ENOSPC, e.errno());

    f.assertContents(fd, Arrays.copyOf(data, limitPages * PAGE));
    assertEquals(0, f.sys.statfs("/mnt").bfree());
    f.checkInvariants();
    // Freeing space by truncation makes the next write succeed: nothing stayed charged.
    f.sys.ftruncate(fd, 0);
    assertEquals(f.sys.statfs("/mnt").blocks(), f.sys.statfs("/mnt").bfree());
    f.checkInvariants();
  }

  /**
   * A reader waits for the page lock of a new page inside i_size while the writer's copy comes
   * up short: whatever order they then run in, the reader sees the hole's zeros or written
   * bytes, never the poison of a page nobody wrote.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void aReaderRacingAShortCopyNeverSeesBytesNobodyWrote(String fs) throws Exception {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    f.sys.ftruncate(fd, 2 * PAGE); // pages 0 and 1 are holes inside i_size
    byte[] data = Fixture.pattern(2 * PAGE, 17);
    long buf = f.userBuffer(data);
    Mm mm = f.process.mm();
    Syscalls reader = f.thread("reader");
    CountDownLatch readerWaits = new CountDownLatch(1);
    f.machine.hooks().once(HookPoint.FOLIO_LOCK_WAIT, reader.task(), t -> readerWaits.countDown());
    ExecutorService threads = Executors.newCachedThreadPool();
    List<CompletableFuture<byte[]>> read = new ArrayList<>();
    f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, f.sys.task(), t -> {
      mm.reclaimUserPage(buf + PAGE); // the copy of this whole-page chunk will be short
      read.add(CompletableFuture.supplyAsync(() -> reader.preadBytes(fd, PAGE, 0), threads));
      await(readerWaits);
    });

    assertEquals(PAGE, f.sys.pwrite(fd, buf + 100, PAGE, 0));

    byte[] seen = read.get(0).get(DEADLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    threads.shutdown();
    for (int i = 0; i < PAGE; i++) {
      assertTrue(seen[i] == 0 || seen[i] == data[100 + i], "byte " + i + " = " + seen[i]);
    }
    byte[] model = new byte[2 * PAGE];
    System.arraycopy(data, 100, model, 0, PAGE);
    f.assertContents(fd, model);
    f.checkInvariants();
  }

  /**
   * The source vanishes after fault-in, so write_end commits nothing into a new page and the
   * write fails: whatever write_begin charged for that page must be given back (section 3).
   */
  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void aWriteThatCommitsNothingLeaksNoSpace(String fs) {
    int pages = 2;
    Fixture f = Fixture.boot(fs, fs.equals("ramfs") ? "size=" + pages * PAGE
        : "noflush,size=" + 2 * pages * PAGE);
    int fd = f.create("f");
    byte[] data = Fixture.pattern(pages * PAGE, 16);
    long buf = f.userBuffer(data);
    Syscalls other = f.thread("other");
    f.machine.hooks().once(HookPoint.AFTER_FAULT_IN, f.sys.task(), t -> other.munmap(buf, PAGE));

    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwrite(fd, buf, PAGE, 0));
    assertEquals(Errno.EFAULT, e.errno());
    assertEquals(0, f.sys.fstat(fd).size());
    assertEquals(f.sys.statfs("/mnt").blocks(), f.sys.statfs("/mnt").bfree(), "no space held");
    f.checkInvariants();

    int g = f.create("g");
    long buf2 = f.userBuffer(data);
    assertEquals(pages * PAGE, f.sys.pwrite(g, buf2, pages * PAGE, 0), "all the space is usable");
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void enospcWithDirtyDataThatWritebackTurnsIntoFreeSpace(boolean flush) {
    int units = 16;
    Fixture f = Fixture.boot("pwfs", (flush ? "" : "noflush,") + "size=" + units * PAGE);
    int fd = f.create("f");
    byte[] data = Fixture.pattern(units * PAGE, 14);
    long buf = f.userBuffer(data);
    long total = 0;
    while (true) {
      try {
        long n = f.sys.pwrite(fd, buf + total, data.length - total, total);
        assertTrue(n > 0);
        total += n;
        f.checkInvariants();
      } catch (ErrnoException e) {
        assertEquals(Errno.ENOSPC, e.errno());
        break;
      }
    }
    f.assertContents(fd, Arrays.copyOf(data, (int) total));
    f.checkInvariants();
    long dirty = f.machine.pageCache().stats().nrDirty();
    long pages = total / PAGE;
    // Full means no room for one more page's worst-case charge (two units) even after writeback.
    assertEquals(pages + dirty, units - f.sys.statfs("/mnt").bfree());
    assertTrue(f.sys.statfs("/mnt").bfree() < 2);
    if (flush) {
      assertTrue(f.sb.counters().get("enospc_flushes") > 0);
      assertTrue(pages > units / 2, "writeback freed space for more than half: " + pages);
    } else {
      assertEquals(units / 2, pages, "without writeback every page keeps two units");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void generic_and_perform_write_agree_on_a_mixed_workload(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    long seed = 20261126L;
    System.out.println("seed " + seed);
    java.util.Random r = new java.util.Random(seed);
    byte[] model = new byte[0];
    byte[] data = Fixture.pattern(5 * PAGE, 15);
    long buf = f.userBuffer(data);
    for (int i = 0; i < 40; i++) {
      int off = r.nextInt(PAGE);
      int len = 1 + r.nextInt(3 * PAGE);
      long pos = r.nextInt(6 * PAGE);
      assertEquals(len, f.sys.pwrite(fd, buf + off, len, pos));
      model = Fixture.apply(model, pos, Arrays.copyOfRange(data, off, off + len), len);
      if (i % 10 == 9) {
        f.sys.fsync(fd);
        f.machine.pageCache().dropCleanPages();
      }
      f.checkInvariants();
    }
    f.assertContents(fd, model);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(DEADLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS), "staged step never came");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
