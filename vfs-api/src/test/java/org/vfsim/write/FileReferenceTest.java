package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.fs.OpenFile;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.lockdep.LockdepViolation;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Every system call that takes a descriptor holds its file until it returns ({@code fdget}):
 * another thread of the process closes the descriptor and unlinks the file from inside the
 * call, and the file is released and evicted only after the call. The lock validator's
 * eviction check is shown to catch a planted call that does not hold its file.
 */
@ExtendWith(LockValidatorExtension.class)
class FileReferenceTest {
  private static final int PAGE = Fixture.PAGE;

  /** Runs {@code body} as another task on its own thread, waits, returns what it threw. */
  private static Throwable runAs(Syscalls other, Runnable body) {
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        failed.set(e);
      }
    }, other.task().name());
    t.setDaemon(true);
    t.start();
    try {
      t.join(Duration.ofSeconds(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (t.isAlive()) {
      throw new AssertionError(other.task() + " blocked behind the caller: deadlock");
    }
    return failed.get();
  }

  private static void closeAndUnlink(Syscalls closer, int fd) {
    Throwable e = runAs(closer, () -> {
      closer.close(fd);
      closer.unlink("/mnt/f");
    });
    if (e != null) {
      throw new AssertionError("the closing thread failed: " + e, e);
    }
  }

  /** The calls that reach a filesystem operation, staged from inside that operation. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fsync", "fdatasync", "ftruncate", "fallocate", "lseek", "fiemap"})
  void aCloseInsideTheFilesystemOperationEvictsAfterTheCall(String call) {
    Fixture f = Fixture.boot("pwfs", "");
    PwfsSuperBlock psb = (PwfsSuperBlock) f.sb;
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, Fixture.pattern(2 * PAGE, 1), 0);
    Syscalls closer = f.thread("closer");
    AtomicInteger fired = new AtomicInteger();
    psb.inFileOp = (op, t) -> {
      if (!op.equals("release") && !op.equals("evict") && fired.getAndIncrement() == 0) {
        closeAndUnlink(closer, fd);
        assertEquals(1, psb.liveFiles().size(), "evicted inside " + call);
      }
    };
    try {
      switch (call) {
        case "fsync" -> f.sys.fsync(fd);
        case "fdatasync" -> f.sys.fdatasync(fd);
        case "ftruncate" -> f.sys.ftruncate(fd, PAGE);
        case "fallocate" -> f.sys.fallocate(fd, 0, 0, 4L * PAGE);
        case "lseek" -> assertEquals(0, f.sys.lseek(fd, 0, Fcntl.SEEK_DATA));
        case "fiemap" -> assertEquals(List.of(), f.sys.fiemap(fd, 0, 0, 0));
        default -> throw new IllegalArgumentException(call);
      }
    } finally {
      psb.inFileOp = (op, t) -> {};
    }
    assertTrue(fired.get() > 0, "the race was staged in " + call);
    assertEquals(List.of(), psb.liveFiles(), "evicted once " + call + " returned");
    assertEquals(List.of(), f.machine.lockValidator().takeReports());
    f.checkInvariants();
  }

  /**
   * {@code msync(MS_SYNC)} holds the files of the mappings it writes back: another thread's
   * {@code munmap} of the last mapping of a closed, unlinked file during that writeback does not
   * evict it under the msync.
   */
  @Test
  void aMunmapDuringMsyncWritebackEvictsAfterTheMsync() {
    Fixture f = Fixture.boot("pwfs", "");
    PwfsSuperBlock psb = (PwfsSuperBlock) f.sb;
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, Fixture.pattern(2 * PAGE, 6), 0);
    f.sys.fsync(fd);
    long map = f.sys.mmap(0, 2L * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE,
        Fcntl.MAP_SHARED, fd, 0);
    f.sys.store(map, new byte[] {7});
    f.sys.close(fd);
    f.sys.unlink("/mnt/f");
    Syscalls unmapper = f.thread("unmapper");
    AtomicInteger fired = new AtomicInteger();
    psb.inFileOp = (op, t) -> {
      if (op.equals("writepages") && fired.getAndIncrement() == 0) {
        Throwable e = runAs(unmapper, () -> unmapper.munmap(map, 2L * PAGE));
        if (e != null) {
          throw new AssertionError("the unmapping thread failed: " + e, e);
        }
        assertEquals(1, psb.liveFiles().size(), "evicted inside msync");
      }
    };
    try {
      f.sys.msync(map, 2L * PAGE, Fcntl.MS_SYNC);
    } finally {
      psb.inFileOp = (op, t) -> {};
    }
    assertEquals(1, fired.get(), "the race was staged");
    assertEquals(List.of(), psb.liveFiles(), "evicted once msync returned");
    assertEquals(List.of(), f.machine.lockValidator().takeReports());
    f.checkInvariants();
  }

  /** The read family, staged at the fault on the (not yet present) destination buffer. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"read", "pread", "readv", "preadv"})
  void aCloseDuringAReadFaultEvictsAfterTheRead(String call) {
    Fixture f = Fixture.boot("pwfs", "");
    PwfsSuperBlock psb = (PwfsSuperBlock) f.sb;
    int fd = f.create("f");
    byte[] data = Fixture.pattern(2 * PAGE, 2);
    f.sys.pwriteBytes(fd, data, 0);
    long buf = f.sys.mmapAnonymous(2 * PAGE);
    Syscalls closer = f.thread("closer");
    int[] fired = new int[1];
    Runnable hook = f.machine.hooks().once(HookPoint.IN_PAGE_FAULT, f.sys.task(), t -> {
      fired[0]++;
      closeAndUnlink(closer, fd);
      assertEquals(1, psb.liveFiles().size(), "evicted inside " + call);
    });
    long n;
    try {
      long[] bufs = {buf, buf + PAGE};
      long[] lens = {PAGE, PAGE};
      n = switch (call) {
        case "read" -> f.sys.read(fd, buf, 2 * PAGE);
        case "pread" -> f.sys.pread(fd, buf, 2 * PAGE, 0);
        case "readv" -> f.sys.readv(fd, bufs, lens);
        case "preadv" -> f.sys.preadv(fd, bufs, lens, 0);
        default -> throw new IllegalArgumentException(call);
      };
    } finally {
      hook.run();
    }
    assertEquals(1, fired[0], "the race was staged");
    assertEquals(2 * PAGE, n);
    assertArrayEquals(data, f.sys.load(buf, 2 * PAGE));
    assertEquals(List.of(), psb.liveFiles(), "evicted once " + call + " returned");
    assertEquals(List.of(), f.machine.lockValidator().takeReports());
  }

  /**
   * Planted bug: a write that uses the descriptor's file without holding it (as {@code pwrite}
   * did before issue 16). The close that becomes the last put evicts the inode under the
   * write, and the lock validator says so in the closing task.
   */
  @Test
  void plantedWriteWithoutAReferenceIsReportedAtTheEviction() {
    Fixture f = Fixture.boot("ramfs", "");
    int fd = f.create("f");
    OpenFile unheld = f.process.files().get(fd);
    Syscalls closer = f.thread("closer");
    AtomicReference<Throwable> closeFailed = new AtomicReference<>();
    Runnable hook = f.machine.hooks().once(HookPoint.AFTER_WRITE_END, f.sys.task(),
        t -> closeFailed.set(runAs(closer, () -> {
          closer.close(fd);
          closer.unlink("/mnt/f");
        })));
    try {
      VfsWrite.write(f.sys.task(), unheld, IovIter.kernel(new byte[3 * PAGE], 0, 3 * PAGE), 0,
          true);
    } finally {
      hook.run();
    }
    LockdepViolation v = assertInstanceOf(LockdepViolation.class, closeFailed.get());
    assertEquals(LockdepReport.Kind.EVICTED_WHILE_IN_USE, v.report().kind());
    assertTrue(v.report().summary().contains("while a system call still uses it"),
        v.report().render());
    assertTrue(v.report().chains().stream().anyMatch(c -> c.contains("in vfs_write")),
        v.report().render());
    assertEquals(1, f.machine.lockValidator().takeReports().size());
  }

  /** Planted bug: an operation on a file whose inode was already evicted is reported too. */
  @Test
  void plantedUseOfAnEvictedInodeIsReported() {
    Fixture f = Fixture.boot("ramfs", "");
    int fd = f.create("f");
    OpenFile unheld = f.process.files().get(fd);
    f.sys.close(fd);
    f.sys.unlink("/mnt/f");
    LockdepViolation v = assertThrows(LockdepViolation.class,
        () -> f.machine.vfs().fsync(f.sys.task(), unheld, false));
    assertEquals(LockdepReport.Kind.EVICTED_WHILE_IN_USE, v.report().kind());
    assertTrue(v.report().summary().contains("after it was evicted"), v.report().render());
    assertEquals(1, f.machine.lockValidator().takeReports().size());
  }
}
