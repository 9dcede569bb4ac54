package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.FaultInjection;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.Invariants;
import org.vfsim.testkit.MountedFilesystem;

/** The fault injection helpers inject exactly where they are told to. */
@ExtendWith(LockValidatorExtension.class)
class FaultInjectionTest {
  private final MountedFilesystem fs = MountedFilesystem.mount(
      FilesystemUnderTest.of(new PlantedFsType(Bug.NONE, true)).withDeviceBytes(16L << 20));
  private final Syscalls sys = fs.sys();

  @Test
  void enospcAtTheThirdAllocationEndsAFivePageWriteAfterTwoPages() {
    int fd = sys.open(fs.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    byte[] data = new byte[5 * 4096];
    java.util.Arrays.fill(data, (byte) 3);
    try (FaultInjection.Injection inj = FaultInjection.enospcAtAllocation(fs.machine(), 3, false)) {
      assertEquals(2 * 4096, sys.pwriteBytes(fd, data, 0), "bytes before the failed allocation");
      assertEquals(1, inj.fired());
      assertEquals(3, inj.reached());
      // Not sticky: the next allocation succeeds.
      assertEquals(3 * 4096, sys.pwriteBytes(fd, java.util.Arrays.copyOf(data, 3 * 4096), 8192));
    }
    assertArrayEquals(data, sys.preadBytes(fd, data.length, 0));
    Invariants.assertClean(fs);
  }

  @Test
  void stickyEnospcFailsEveryLaterAllocation() {
    int fd = sys.open(fs.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    try (FaultInjection.Injection inj = FaultInjection.enospcAtAllocation(fs.machine(), 1, true)) {
      ErrnoException e = assertThrows(ErrnoException.class,
          () -> sys.pwriteBytes(fd, new byte[10], 0));
      assertEquals(Errno.ENOSPC, e.errno());
      assertThrows(ErrnoException.class, () -> sys.pwriteBytes(fd, new byte[10], 4096));
      assertEquals(2, inj.fired());
    }
    assertEquals(10, sys.pwriteBytes(fd, new byte[10], 0), "removed by close()");
  }

  @Test
  void readErrorOnAChosenBlockIsEioOnlyThere() {
    int fd = sys.open(fs.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(fd, new byte[2 * 4096], 0);
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    long second = sys.fiemap(fd, 4096, 4096, 0).get(0).physical() / 4096;
    FaultInjection.readErrorAt(fs.device(), second);
    assertEquals(4096, sys.preadBytes(fd, 4096, 0).length, "the first block reads");
    ErrnoException e = assertThrows(ErrnoException.class, () -> sys.preadBytes(fd, 4096, 4096));
    assertEquals(Errno.EIO, e.errno());
    fs.device().clearInjectedErrors();
  }

  @Test
  void actionsRunOnlyForTheChosenTaskAndOnlyNTimes() {
    Syscalls other = fs.newThread("other");
    int fd = sys.open(fs.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    int[] ran = new int[1];
    try (FaultInjection.Injection inj = FaultInjection.at(fs.machine(),
        HookPoint.AFTER_WRITE_END, sys.task(), 2, t -> ran[0]++)) {
      other.pwriteBytes(fd, new byte[3 * 4096], 0);
      assertEquals(0, inj.reached(), "another task's writes do not count");
      sys.pwriteBytes(fd, new byte[3 * 4096], 0);
      assertEquals(3, inj.reached());
      assertEquals(2, inj.fired());
      assertEquals(2, ran[0]);
    }
  }
}
