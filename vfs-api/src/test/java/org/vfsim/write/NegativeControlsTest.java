package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.write.Fixture.PAGE;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.Configuration;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.lockdep.LockdepViolation;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Deliberately broken write paths (pwfs {@code variant=faulting} and {@code variant=shortcommit})
 * that the checks must catch, next to the correct path that they must let through: proof that
 * the lock validator and the read-back check can fail.
 */
@ExtendWith(LockValidatorExtension.class)
class NegativeControlsTest {
  private static final long TIMEOUT_SECONDS = 20;

  private static long shared(Syscalls sys, int fd, long len) {
    return sys.mmap(0, len, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
  }

  /** Writes from an untouched shared mapping of the same page; true if lockdep objected. */
  private static List<LockdepReport> samePageWrite(String variant, boolean priorFault) {
    Fixture f = Fixture.boot("pwfs", "variant=" + variant);
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, Fixture.pattern(2 * PAGE, 1), 0);
    long map = shared(f.sys, fd, 2 * PAGE);
    if (priorFault) {
      f.sys.load(map + PAGE, 1); // records mmap_lock -> folio_lock, as any fault does
    }
    try {
      assertEquals(100, f.sys.pwrite(fd, map + 10, 100, 2000));
    } catch (LockdepViolation expected) {
      assertEquals(expected.report(), f.machine.lockValidator().reports().get(0));
    }
    assertEquals(0, f.sys.task().heldLocks().depth());
    return f.machine.lockValidator().takeReports();
  }

  @Test
  void faultingUnderThePageLockOnTheSamePageIsRecursiveLocking() {
    assertTrue(samePageWrite("correct", false).isEmpty(), "the correct path is not reported");
    List<LockdepReport> reports = samePageWrite("faulting", false);
    assertEquals(LockdepReport.Kind.RECURSIVE_LOCKING, reports.get(0).kind(), reports.toString());
    assertTrue(reports.get(0).chains().get(0).contains("folio_lock"), reports.toString());
  }

  @Test
  void faultingUnderThePageLockAfterAnyFaultIsACycleWithBothChains() {
    assertTrue(samePageWrite("correct", true).isEmpty(), "the correct path is not reported");
    List<LockdepReport> reports = samePageWrite("faulting", true);
    LockdepReport r = reports.get(0);
    assertEquals(LockdepReport.Kind.CIRCULAR_DEPENDENCY, r.kind(), r.render());
    assertTwoChains(r);
  }

  private static void assertTwoChains(LockdepReport r) {
    assertTrue(r.chains().size() >= 2, r.render());
    String now = r.chains().get(0);
    String earlier = r.chains().get(1);
    assertTrue(now.contains("now") && now.contains("folio_lock") && now.contains("mmap_lock"),
        "the acquisition being attempted: " + now);
    assertTrue(earlier.contains("earlier") && earlier.contains("mmap_lock")
        && earlier.contains("acquires folio_lock"), "the order seen before: " + earlier);
  }

  /**
   * Without the validator the same bug really self-deadlocks: the task waits for the page lock
   * it holds. A hook at the wait aborts it, so the test can see it instead of hanging.
   */
  @Test
  void withoutTheValidatorTheSamePageBugIsARealSelfDeadlock() {
    Fixture f = Fixture.boot("pwfs", "variant=faulting",
        Configuration.builder().lockdepThrows(false).build());
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, Fixture.pattern(PAGE, 2), 0);
    long map = shared(f.sys, fd, PAGE);
    Folio page = f.inode(fd).mapping().lookup(0);
    boolean[] waitedForOwnLock = new boolean[1];
    f.machine.hooks().install(HookPoint.FOLIO_LOCK_WAIT, t -> {
      if (page.lockOwner() == t) {
        waitedForOwnLock[0] = true;
        throw new IllegalStateException("self-deadlock: " + t + " waits for its own page lock");
      }
    });
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> f.sys.pwrite(fd, map, 100, 2000));
    assertTrue(e.getMessage().startsWith("self-deadlock"), e.getMessage());
    assertTrue(waitedForOwnLock[0]);
    List<LockdepReport> reports = f.machine.lockValidator().takeReports();
    assertTrue(reports.stream().anyMatch(r -> r.kind() == LockdepReport.Kind.RECURSIVE_LOCKING),
        reports.toString());
  }

  /**
   * The ABBA staging of WritePathRacesTest with the faulting write path: the validator throws in
   * the first writer that would fault under its page lock, before it blocks on mmap_lock behind
   * the queued writer; everyone else then completes.
   */
  @Test
  void abbaWithQueuedMmapWriterIsReportedBeforeAnythingBlocks() throws Exception {
    Fixture f = Fixture.boot("pwfs", "variant=faulting");
    int fx = f.create("x");
    int fy = f.create("y");
    f.sys.pwriteBytes(fx, Fixture.pattern(PAGE, 3), 0);
    f.sys.pwriteBytes(fy, Fixture.pattern(PAGE, 4), 0);
    long mapX = shared(f.sys, fx, PAGE); // neither source is faulted in
    long mapY = shared(f.sys, fy, PAGE);
    long spare = f.sys.mmapAnonymous(PAGE);
    Syscalls a = f.thread("A");
    Syscalls b = f.thread("B");
    Syscalls c = f.thread("C");
    Syscalls d = f.thread("D");
    CountDownLatch bothLocked = new CountDownLatch(2);
    CountDownLatch goA = new CountDownLatch(1);
    CountDownLatch goB = new CountDownLatch(1);
    CountDownLatch dWaits = new CountDownLatch(1);
    CountDownLatch cQueued = new CountDownLatch(1);
    AtomicInteger writerBlockedOnMmapLock = new AtomicInteger();
    f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, a.task(), t -> {
      bothLocked.countDown();
      await(goA);
    });
    f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, b.task(), t -> {
      bothLocked.countDown();
      await(goB);
    });
    f.machine.hooks().install(HookPoint.MMAP_READER_WAIT, t -> {
      if (t == a.task() || t == b.task()) {
        writerBlockedOnMmapLock.incrementAndGet();
      }
    });
    f.machine.hooks().once(HookPoint.FOLIO_LOCK_WAIT, d.task(), t -> dWaits.countDown());
    f.machine.hooks().once(HookPoint.MMAP_WRITER_QUEUED, c.task(), t -> cQueued.countDown());

    ExecutorService threads = Executors.newCachedThreadPool();
    CompletableFuture<Long> wa = CompletableFuture.supplyAsync(() -> a.pwrite(fx, mapY, PAGE, 0), threads);
    CompletableFuture<Long> wb = CompletableFuture.supplyAsync(() -> b.pwrite(fy, mapX, PAGE, 0), threads);
    await(bothLocked);
    CompletableFuture<byte[]> fault = CompletableFuture.supplyAsync(() -> d.load(mapX, 1), threads);
    await(dWaits);
    CompletableFuture<Void> munmap = CompletableFuture.runAsync(() -> c.munmap(spare, PAGE), threads);
    await(cQueued);
    goA.countDown(); // A faults on Y while holding X, with C queued and D waiting for X
    assertViolation(wa);
    fault.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    munmap.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    f.inode(fx).mapping().unmapRange(0, 0); // D mapped X; make B fault on it too
    goB.countDown();
    assertViolation(wb);
    threads.shutdown();

    assertEquals(0, writerBlockedOnMmapLock.get(), "reported before blocking");
    List<LockdepReport> reports = f.machine.lockValidator().takeReports();
    assertEquals(2, reports.size(), reports.toString());
    for (LockdepReport r : reports) {
      assertEquals(LockdepReport.Kind.CIRCULAR_DEPENDENCY, r.kind(), r.render());
      assertTwoChains(r);
    }
  }

  /**
   * A write_end that commits a short copy into a page that is not uptodate exposes the rest of
   * the page: the read returns the 0x6b poison of a new page, bytes nobody wrote.
   */
  @ParameterizedTest
  @ValueSource(strings = {"correct", "shortcommit"})
  void shortCommitIntoPageNotUptodateIsCaughtByReadBack(String variant) {
    Fixture f = Fixture.boot("pwfs", "variant=" + variant);
    int fd = f.create("f");
    f.sys.ftruncate(fd, 2 * PAGE); // page 0: a hole inside i_size, reads as zeros
    byte[] data = Fixture.pattern(2 * PAGE, 5);
    long buf = f.userBuffer(data);
    f.sys.munmap(buf + PAGE, PAGE);
    int start = PAGE / 2; // a whole-page chunk whose source is only half there

    assertEquals(PAGE - start, f.sys.pwrite(fd, buf + start, PAGE, 0));

    byte[] model = Fixture.apply(new byte[2 * PAGE], 0,
        java.util.Arrays.copyOfRange(data, start, PAGE), PAGE - start);
    byte[] back = f.sys.preadBytes(fd, 2 * PAGE, 0);
    int nobodyWrote = 0;
    for (int i = 0; i < back.length; i++) {
      if (back[i] != model[i]) {
        assertEquals(f.machine.configuration().newPageFill(), back[i], "poison at " + i);
        nobodyWrote++;
      }
    }
    if (variant.equals("correct")) {
      assertEquals(0, nobodyWrote);
      f.checkInvariants();
    } else {
      assertEquals(PAGE - (PAGE - start), nobodyWrote, "the uncopied rest of the page");
    }
    assertFalse(f.machine.lockValidator().reports().size() > 0);
  }

  private static void assertViolation(CompletableFuture<Long> write) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> write.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(LockdepViolation.class, e.getCause());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "staged step never came");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
