package org.vfsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.kernel.UserProcess;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.lockdep.LockdepViolation;

@ExtendWith(LockValidatorExtension.class)
class MmapLockTest {
  @Test
  void aQueuedWriterBlocksNewReaders() throws Exception {
    Machine m = Machine.boot();
    UserProcess p = m.spawn("p");
    MmapLock lock = p.mm().mmapLock();
    Task r1 = p.mainTask();
    Task w = p.newThread("writer");
    Task r2 = p.newThread("reader2");
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch queued = new CountDownLatch(1);
    CountDownLatch readerWaits = new CountDownLatch(1);
    m.hooks().once(HookPoint.MMAP_WRITER_QUEUED, w, t -> queued.countDown());
    m.hooks().once(HookPoint.MMAP_READER_WAIT, r2, t -> readerWaits.countDown());
    ExecutorService threads = Executors.newCachedThreadPool();

    lock.readLock(r1);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      lock.writeLock(w);
      order.add("writer");
      lock.writeUnlock(w);
    }, threads);
    assertTrue(queued.await(20, TimeUnit.SECONDS));
    assertEquals(1, lock.queuedWriters());
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      lock.readLock(r2);
      order.add("reader2");
      lock.readUnlock(r2);
    }, threads);
    assertTrue(readerWaits.await(20, TimeUnit.SECONDS), "a new reader waits behind the writer");
    assertEquals(1, lock.readers(), "only the first reader holds it");
    lock.readUnlock(r1);
    writer.get(20, TimeUnit.SECONDS);
    reader.get(20, TimeUnit.SECONDS);
    threads.shutdown();
    assertEquals(List.of("writer", "reader2"), order);
    assertEquals(0, lock.readers());
  }

  @Test
  void takingItForReadTwiceIsReportedAsRecursive() {
    Machine m = Machine.boot();
    UserProcess p = m.spawn("p");
    MmapLock lock = p.mm().mmapLock();
    Task t = p.mainTask();
    lock.readLock(t);
    LockdepViolation v = assertThrows(LockdepViolation.class, () -> lock.readLock(t));
    assertEquals(LockdepReport.Kind.RECURSIVE_LOCKING, v.report().kind());
    lock.readUnlock(t);
    assertEquals(1, m.lockValidator().takeReports().size());
  }
}
