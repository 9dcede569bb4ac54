package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.lockdep.LockdepViolation;
import org.vfsim.mm.Mm;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class MmapSourceTest {
  private static final int LEN = 4 * Rig.PAGE;

  @Test
  void multiPageChunkFromAnMmapOfTheSamePagesCompletes() {
    Rig r = new Rig("max_chunk_pages=4");
    int fd = r.create("/mnt/f");
    byte[] init = Rig.pattern(LEN, 1);
    r.sys.pwriteBytes(fd, init, 0);
    long map = r.sys.mmap(0, LEN, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(LEN, r.sys.pwrite(fd, map, LEN, 0), "source is exactly the destination pages");
    assertArrayEquals(init, r.sys.preadBytes(fd, LEN, 0));
    // Source pages 1..3, destination pages 0..2: each copied page was read before overwritten.
    assertEquals(3 * Rig.PAGE, r.sys.pwrite(fd, map + Rig.PAGE, 3 * Rig.PAGE, 0));
    byte[] expect = init.clone();
    System.arraycopy(init, Rig.PAGE, expect, 0, 3 * Rig.PAGE);
    assertArrayEquals(expect, r.sys.preadBytes(fd, LEN, 0));
    r.sys.sync();
    r.m.pageCache().dropCleanPages();
    assertArrayEquals(expect, r.sys.preadBytes(fd, LEN, 0));
    assertTrue(r.m.lockValidator().reports().isEmpty());
    r.assertClean();
  }

  @Test
  void the2010CopyFromAnMmapOfTheSamePageIsReported() {
    Rig r = new Rig("max_chunk_pages=4");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(LEN, 2), 0);
    long map = r.sys.mmap(0, LEN, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0);
    r.sys.load(map, 1); // a page fault records mmap_lock -> folio_lock
    r.sys.madvise(map, LEN, Fcntl.MADV_DONTNEED); // the source is no longer mapped in
    r.fs().copyStep = new Legacy2010Copy();
    assertThrows(LockdepViolation.class, () -> r.sys.pwrite(fd, map, LEN, 0));
    List<LockdepReport> reports = r.m.lockValidator().takeReports();
    assertEquals(1, reports.size(), reports::toString);
    assertEquals(LockdepReport.Kind.CIRCULAR_DEPENDENCY, reports.get(0).kind());
    assertTrue(reports.get(0).summary().contains("mmap_lock"), reports.get(0)::render);
    assertTrue(reports.get(0).summary().contains("folio_lock"), reports.get(0)::render);
    r.fs().copyStep = BufferedWrite.ATOMIC;
    r.assertClean(); // the aborted chunk released its reservation and unlocked its pages
    assertEquals(LEN, r.sys.pwrite(fd, map, LEN, 0));
  }

  @Test
  void the2010CopyAbbaWithAQueuedMmapWriterIsReportedBeforeAnythingBlocks() throws Exception {
    Rig r = new Rig("");
    int f = r.create("/mnt/f");
    int g = r.create("/mnt/g");
    r.sys.pwriteBytes(f, Rig.pattern(Rig.PAGE, 3), 0);
    r.sys.pwriteBytes(g, Rig.pattern(Rig.PAGE, 4), 0);
    long mapF = r.sys.mmap(0, Rig.PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, f, 0);
    long mapG = r.sys.mmap(0, Rig.PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, g, 0);
    r.sys.load(mapF, 1);
    r.sys.load(mapG, 1);
    r.sys.madvise(mapF, Rig.PAGE, Fcntl.MADV_DONTNEED);
    r.sys.madvise(mapG, Rig.PAGE, Fcntl.MADV_DONTNEED);
    r.fs().copyStep = new Legacy2010Copy();

    Task taskB = r.proc.newThread("B");
    Syscalls b = r.m.syscalls(taskB);
    CountDownLatch bHoldsG = new CountDownLatch(1);
    CountDownLatch releaseB = new CountDownLatch(1);
    r.m.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, taskB, t -> {
      bHoldsG.countDown();
      await(releaseB);
    });
    AtomicReference<Throwable> bFailure = new AtomicReference<>();
    Thread tb = Thread.ofPlatform().start(() -> {
      try {
        b.pwrite(g, mapF, Rig.PAGE, 0); // B: holds g's page, will fault on f's
      } catch (Throwable e) {
        bFailure.set(e);
      }
    });
    assertTrue(bHoldsG.await(10, TimeUnit.SECONDS));

    // A reader holds mmap_lock and C queues for it in write mode (mmap), as in the deadlock.
    Task reader = r.proc.newThread("D");
    Mm mm = r.proc.mm();
    mm.mmapLock().readLock(reader);
    Task taskC = r.proc.newThread("C");
    CountDownLatch cQueued = new CountDownLatch(1);
    r.m.hooks().once(HookPoint.MMAP_WRITER_QUEUED, taskC, t -> cQueued.countDown());
    Thread tc = Thread.ofPlatform().start(() -> r.m.syscalls(taskC).mmapAnonymous(Rig.PAGE));
    assertTrue(cQueued.await(10, TimeUnit.SECONDS));
    assertEquals(1, mm.mmapLock().queuedWriters());

    // A: holds f's page and faults on g's mapping: reported before it waits behind C.
    assertThrows(LockdepViolation.class, () -> r.sys.pwrite(f, mapG, Rig.PAGE, 0));
    mm.mmapLock().readUnlock(reader);
    tc.join(10_000);
    assertFalse(tc.isAlive());
    releaseB.countDown();
    tb.join(10_000);
    assertFalse(tb.isAlive());
    assertTrue(bFailure.get() instanceof LockdepViolation, String.valueOf(bFailure.get()));

    List<LockdepReport> reports = r.m.lockValidator().takeReports();
    assertEquals(2, reports.size(), reports::toString);
    for (LockdepReport rep : reports) {
      assertEquals(LockdepReport.Kind.CIRCULAR_DEPENDENCY, rep.kind(), rep::render);
      assertTrue(rep.summary().contains("mmap_lock"));
    }
    r.fs().copyStep = BufferedWrite.ATOMIC;
    r.assertClean();
    assertArrayEquals(Rig.pattern(Rig.PAGE, 3), r.sys.preadBytes(f, Rig.PAGE, 0));
    assertArrayEquals(Rig.pattern(Rig.PAGE, 4), r.sys.preadBytes(g, Rig.PAGE, 0));
    assertTrue(Arrays.equals(Rig.pattern(Rig.PAGE, 4), r.sys.load(mapG, Rig.PAGE)));
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
