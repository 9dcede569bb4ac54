package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.Stat;
import org.vfsim.kernel.HookPoint;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's cases for the lifetime of an open file: a system call holds the file it was
 * given by descriptor ({@code fdget}) until it returns, so another thread of the process that
 * closes the descriptor (and unlinks the file) in the middle of the call does not release or
 * evict it under the call. The last {@code fput}, {@code ->release} and eviction happen after
 * the call, exactly as if the close had come later. {@link FilesystemContract} implements this
 * interface, so every plugin runs these cases; the races are staged with hooks.
 */
public interface FileReferenceContract {
  /** The mounted filesystem under test (the contract's fixture). */
  MountedFilesystem mounted();

  /**
   * Another thread closes the descriptor and unlinks the file right after the writer's first
   * {@code write_end}. The write completes, the file is freed after it returns, and every block
   * it had comes back (ext2ish and xfsish lost blocks; btrfsish kept an extent whose backref
   * named the dead inode; the kit's fsck afterwards sees all three).
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void closeAndUnlinkByAnotherThreadDuringAWriteFreeTheFileAfterTheWrite() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    sys.sync();
    long before = fs.sb().allocatedDataBytes();
    byte[] data = FileReferenceCases.pattern(FileReferenceCases.PAGES * Folio.SIZE, 11);
    long buf = sys.mmapAnonymous(data.length);
    sys.store(buf, data);
    String path = fs.path("victim");
    int fd = sys.open(path, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    long n = FileReferenceCases.pwriteWhileAnotherThreadCloses(fs, fd, buf, data.length, 0, path);
    assertEquals(data.length, n, "the write completes on the file it was given");
    ErrnoException gone = assertThrows(ErrnoException.class, () -> sys.stat(path));
    assertEquals(Errno.ENOENT, gone.errno());
    assertEquals(Errno.EBADF, assertThrows(ErrnoException.class, () -> sys.fstat(fd)).errno());
    sys.sync();
    Invariants.assertClean(fs);
    assertTrue(fs.sb().allocatedDataBytes() <= before, "the file was evicted after the write"
        + " and its space came back: " + before + " -> " + fs.sb().allocatedDataBytes()
        + " data bytes in use");
    sys.munmap(buf, data.length);
  }

  /**
   * As above without the unlink: the writer's return is now the last close, so it runs
   * {@code ->release} with nothing held, and the file ends up as one written and closed in a
   * single thread (xfsish kept its post-EOF preallocation: the close had found the writer
   * holding {@code i_rwsem}, and nothing trimmed it later).
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void closeByAnotherThreadDuringAWriteReleasesTheFileAsALastCloseWould() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    byte[] data = FileReferenceCases.pattern(FileReferenceCases.PAGES * Folio.SIZE, 12);
    long buf = sys.mmapAnonymous(data.length);
    sys.store(buf, data);
    // An append to a file of 256 KiB: xfsish preallocates past EOF, the last close trims it.
    byte[] prefix = FileReferenceCases.pattern(FileReferenceCases.PREFIX_PAGES * Folio.SIZE, 14);
    long at = prefix.length;
    int control = sys.open(fs.path("control"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(control, prefix, 0);
    sys.fsync(control);
    assertEquals(data.length, sys.pwrite(control, buf, data.length, at));
    sys.close(control);

    int fd = sys.open(fs.path("raced"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(fd, prefix, 0);
    sys.fsync(fd);
    long n = FileReferenceCases.pwriteWhileAnotherThreadCloses(fs, fd, buf, data.length, at,
        null);
    assertEquals(data.length, n);
    sys.sync();
    Stat expect = sys.stat(fs.path("control"));
    Stat got = sys.stat(fs.path("raced"));
    assertEquals(expect.size(), got.size());
    assertEquals(expect.blocks(), got.blocks(), "a close during the write leaves the file as a"
        + " close after it would (post-EOF preallocation trimmed by the last close)");
    int back = sys.open(fs.path("raced"), Fcntl.O_RDONLY);
    assertArrayEquals(data, sys.preadBytes(back, data.length, at));
    sys.close(back);
    sys.munmap(buf, data.length);
  }

  /**
   * The same race through {@code write} and {@code writev} (file position) from another
   * descriptor of a {@code dup}: each holds its own file until it returns.
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  default void closeAndUnlinkDuringWriteAndWritevFreeTheFileAfterEach() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    sys.sync();
    long before = fs.sb().allocatedDataBytes();
    byte[] data = FileReferenceCases.pattern(FileReferenceCases.PAGES * Folio.SIZE, 13);
    long buf = sys.mmapAnonymous(data.length);
    sys.store(buf, data);
    for (boolean vectored : new boolean[] {false, true}) {
      String path = fs.path(vectored ? "writev" : "write");
      int fd = sys.open(path, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
      int dup = sys.dup(fd);
      sys.close(fd);
      Syscalls closer = fs.newThread("closer");
      Runnable hook = fs.machine().hooks().once(HookPoint.AFTER_WRITE_END, sys.task(),
          t -> FileReferenceCases.runAs(closer, () -> {
            closer.close(dup);
            closer.unlink(path);
          }));
      long half = data.length / 2;
      long n;
      try {
        n = vectored
            ? sys.writev(dup, new long[] {buf, buf + half}, new long[] {half, half})
            : sys.write(dup, buf, data.length);
      } finally {
        hook.run();
      }
      assertEquals(data.length, n, vectored ? "writev" : "write");
    }
    sys.sync();
    Invariants.assertClean(fs);
    assertTrue(fs.sb().allocatedDataBytes() <= before, "space back: " + before + " -> "
        + fs.sb().allocatedDataBytes());
    sys.munmap(buf, data.length);
  }

  /** Helpers of the cases above. */
  final class FileReferenceCases {
    /** How long the closing thread may take before the case calls it a deadlock. */
    static final long DEADLOCK_SECONDS = 20;
    /** Pages each staged write covers: enough for xfsish to preallocate past EOF. */
    static final int PAGES = 8;
    /** Pages of the file before a staged append. */
    static final int PREFIX_PAGES = 64;

    private FileReferenceCases() {}

    /**
     * The whole close-and-unlink race on {@code fs}, for a plugin's own tests: with the lock
     * validator recording instead of throwing (so that the filesystem's own symptom shows), an
     * 8-page write races a close and unlink by another thread; afterwards the write completed,
     * fsck is clean, every block is free again and no inode was evicted while in use.
     */
    public static void assertCloseAndUnlinkDuringAWriteLosesNothing(MountedFilesystem fs) {
      Syscalls sys = fs.sys();
      fs.machine().lockValidator().setThrowOnReport(false);
      sys.sync();
      long free = sys.statfs(MountedFilesystem.MOUNT_POINT).bfree();
      byte[] data = new byte[PAGES * Folio.SIZE];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 13 + 5);
      }
      long buf = sys.mmapAnonymous(data.length);
      sys.store(buf, data);
      int fd = sys.open(fs.path("victim"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
      long n = pwriteWhileAnotherThreadCloses(fs, fd, buf, data.length, 0, fs.path("victim"));
      assertEquals(data.length, n);
      sys.sync();
      assertEquals(java.util.List.of(), fs.sb().fsck().problems(), "fsck after the raced close");
      assertEquals(free, sys.statfs(MountedFilesystem.MOUNT_POINT).bfree(),
          "every block of the unlinked file is free again");
      assertEquals(java.util.List.of(), fs.machine().lockValidator().takeReports(),
          "the file was evicted under the write");
    }

    /**
     * {@code pwrite(fd, buf, len, at)} by the test process's main task while another thread of
     * the process, right after the first {@code write_end}, closes {@code fd} and (unless
     * {@code unlink} is null) unlinks that path. Returns what the write returned.
     */
    public static long pwriteWhileAnotherThreadCloses(MountedFilesystem fs, int fd, long buf,
        long len, long at, @Nullable String unlink) {
      Syscalls sys = fs.sys();
      Syscalls closer = fs.newThread("closer");
      int[] fired = new int[1];
      Runnable hook = fs.machine().hooks().once(HookPoint.AFTER_WRITE_END, sys.task(), t -> {
        fired[0]++;
        runAs(closer, () -> {
          closer.close(fd);
          if (unlink != null) {
            closer.unlink(unlink);
          }
        });
      });
      long n;
      try {
        n = sys.pwrite(fd, buf, len, at);
      } finally {
        hook.run();
      }
      assertEquals(1, fired[0], "the race was staged");
      return n;
    }

    /** Runs {@code body} as the task of {@code other} on its own thread, and waits for it. */
    static void runAs(Syscalls other, Runnable body) {
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
        t.join(Duration.ofSeconds(DEADLOCK_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (t.isAlive()) {
        throw new AssertionError(other.task() + " blocked behind the writer: deadlock");
      }
      if (failed.get() != null) {
        throw new AssertionError(other.task() + " failed: " + failed.get(), failed.get());
      }
    }

    static byte[] pattern(int len, int seed) {
      byte[] b = new byte[len];
      for (int i = 0; i < len; i++) {
        b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8) + 1);
      }
      return b;
    }
  }
}
