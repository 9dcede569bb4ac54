package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.write.Fixture.PAGE;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;

/** write-path.md section 3, one {@code write_begin}/{@code write_end} pair at a time. */
@ExtendWith(LockValidatorExtension.class)
class CommitRulesTest {
  private Fixture f;
  private int fd;
  private Task task;
  private Kiocb iocb;
  private Mapping mapping;
  private AddressSpaceOperations aops;

  private void setUp(String fs) {
    f = Fixture.boot(fs, "");
    fd = f.create("f");
    task = f.sys.task();
    iocb = new Kiocb(task, f.sys.file(fd), 0);
    mapping = f.inode(fd).mapping();
    aops = mapping.aops();
  }

  /** Copies {@code copied} bytes of {@code data} into the page as the atomic copy would. */
  private int writeOnePage(long pos, int len, byte[] data, int copied) {
    Folio folio = aops.writeBegin(iocb, mapping, pos, len);
    assertTrue(folio.isLocked());
    System.arraycopy(data, 0, folio.data(), (int) (pos & (PAGE - 1)), copied);
    int committed = aops.writeEnd(iocb, mapping, pos, len, copied, folio);
    assertFalse(folio.isLocked(), "write_end unlocks");
    assertEquals(0, task.heldLocks().depth());
    return committed;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void fullCopyCommitsAllAndMarksDirtyAndUptodate(String fs) {
    setUp(fs);
    byte[] data = Fixture.pattern(PAGE, 1);
    assertEquals(PAGE, writeOnePage(0, PAGE, data, PAGE));
    Folio folio = mapping.lookup(0);
    assertTrue(folio.isUptodate() && folio.isDirty());
    assertEquals(PAGE, f.inode(fd).size());
    f.assertContents(fd, data);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void shortCopyIntoUptodatePageCommitsCopiedAndExtendsSizeByThat(String fs) {
    setUp(fs);
    byte[] old = Fixture.pattern(PAGE, 2);
    f.sys.pwriteBytes(fd, Arrays.copyOf(old, 2000), 0); // page 0 uptodate, i_size 2000
    byte[] data = Fixture.pattern(PAGE, 3);
    int pos = 1500;
    int len = 1000;
    int copied = 700;
    Folio folio = aops.writeBegin(iocb, mapping, pos, len);
    assertTrue(folio.isUptodate(), "a partly written page was made valid by write_begin");
    System.arraycopy(data, 0, folio.data(), pos, copied);
    assertEquals(copied, aops.writeEnd(iocb, mapping, pos, len, copied, folio));
    assertEquals(pos + copied, f.inode(fd).size());
    byte[] expected = Fixture.apply(Arrays.copyOf(old, 2000), pos, data, copied);
    f.assertContents(fd, expected);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void shortCopyIntoPageThatIsNotUptodateCommitsNothing(String fs) {
    setUp(fs);
    Folio folio = aops.writeBegin(iocb, mapping, 0, PAGE); // whole page: left not uptodate
    assertFalse(folio.isUptodate());
    byte[] data = Fixture.pattern(PAGE, 4);
    System.arraycopy(data, 0, folio.data(), 0, 1000);
    assertEquals(0, aops.writeEnd(iocb, mapping, 0, PAGE, 1000, folio));
    assertFalse(folio.isDirty());
    assertFalse(folio.isUptodate());
    assertEquals(0, f.inode(fd).size(), "nothing committed: i_size unchanged");
    f.checkInvariants(); // pwfs: the page's reservation went back (fsck: reserved == 0)
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void theWriteLoopRetriesAShortCopyIntoAPageThatIsNotUptodate(String fs) {
    setUp(fs);
    byte[] data = Fixture.pattern(2 * PAGE, 5);
    long buf = f.userBuffer(data);
    Mm mm = f.process.mm();
    int start = 2000; // source chunk spans two user pages; the second goes to swap once
    f.machine.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, task,
        t -> mm.reclaimUserPage(buf + PAGE));
    AtomicInteger writeEnds = new AtomicInteger();
    f.machine.hooks().install(HookPoint.AFTER_WRITE_END, t -> writeEnds.incrementAndGet());

    assertEquals(PAGE, f.sys.pwrite(fd, buf + start, PAGE, 0));

    assertTrue(writeEnds.get() >= 2, "write_end committed 0 and the chunk was retried");
    f.assertContents(fd, Arrays.copyOfRange(data, start, start + PAGE));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void iSizeIsUpdatedBeforeThePageIsUnlocked(String fs) throws Exception {
    setUp(fs);
    Task waiter = f.process.newThread("waiter");
    Folio folio = aops.writeBegin(iocb, mapping, 0, 10);
    CountDownLatch waiting = new CountDownLatch(1);
    f.machine.hooks().once(HookPoint.FOLIO_LOCK_WAIT, waiter, t -> waiting.countDown());
    ExecutorService threads = Executors.newSingleThreadExecutor();
    // The waiter takes the page lock as writeback would and reads i_size under it.
    CompletableFuture<Long> seen = CompletableFuture.supplyAsync(() -> {
      folio.lock(waiter);
      try {
        return f.inode(fd).size();
      } finally {
        folio.unlock(waiter);
      }
    }, threads);
    assertTrue(waiting.await(20, TimeUnit.SECONDS));
    System.arraycopy(Fixture.pattern(10, 6), 0, folio.data(), 0, 10);
    assertEquals(10, aops.writeEnd(iocb, mapping, 0, 10, 10, folio));
    assertEquals(10L, seen.get(20, TimeUnit.SECONDS));
    threads.shutdown();
    f.checkInvariants();
  }

  @Test
  void commitOfZeroOnFullPageLeavesPoisonInvisible() {
    setUp("ramfs");
    f.sys.ftruncate(fd, 2 * PAGE); // page 0 is a hole inside i_size
    Folio folio = aops.writeBegin(iocb, mapping, 0, PAGE);
    assertNotNull(folio);
    assertEquals(0, aops.writeEnd(iocb, mapping, 0, PAGE, 100, folio));
    assertArrayEquals(new byte[2 * PAGE], f.sys.preadBytes(fd, 2 * PAGE, 0), "a hole reads as zeros");
    f.checkInvariants();
  }
}
