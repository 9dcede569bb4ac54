package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.fill;
import static org.vfsim.testkit.ContractFixture.pattern;

import org.junit.jupiter.api.Test;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's durability cases: fsync and sync leave nothing dirty, fsynced data and size
 * survive a power cut, umount is busy while a file is open and a remount keeps the data, and a
 * device read error reaches the caller as {@code EIO}.
 */
interface DurabilityContract extends ContractCase {
  @Test
  default void fsyncAndSyncSucceedAndKeepData() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(5 * PAGE, 1), 0);
    sys.fdatasync(fd);
    sys.fsync(fd);
    sys.sync();
    assertEquals(0, fs.machine().pageCache().stats().nrDirty(), "sync leaves nothing dirty");
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(pattern(5 * PAGE, 1), sys.preadBytes(fd, 5 * PAGE, 0));
    sys.close(fd);
  }

  @Test
  default void fsyncedDataAndSizeSurviveAPowerCut() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    requires(Capability.POWER_CUT_DURABILITY);
    int fd = create("f");
    sys.sync(); // the name is durable (fsync of a file need not persist its dentry: ext2)
    sys.pwriteBytes(fd, pattern(5 * PAGE + 10, 1), 0);
    sys.fsync(fd);
    sys.pwriteBytes(fd, fill(100, 0x99), 2L * PAGE); // not synced: old or new may survive
    fs.powerCut();
    sys = fs.sys();
    Invariants.assertClean(fs);
    int again = sys.open(fs.path("f"), Fcntl.O_RDWR);
    assertEquals(5L * PAGE + 10, sys.fstat(again).size());
    byte[] back = sys.preadBytes(again, 5 * PAGE + 10, 0);
    byte[] expect = pattern(5 * PAGE + 10, 1);
    for (int i = 0; i < back.length; i++) {
      boolean unsynced = i >= 2 * PAGE && i < 2 * PAGE + 100;
      assertTrue(back[i] == expect[i] || (unsynced && back[i] == (byte) 0x99),
          "byte " + i + " after power cut");
    }
    sys.close(again);
  }

  @Test
  default void umountIsBusyWhileOpenAndRemountKeepsData() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    requires(Capability.BLOCK_DEVICE);
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(3 * PAGE, 1), 0);
    assertErrno(Errno.EBUSY, () -> sys.umount(MountedFilesystem.MOUNT_POINT));
    sys.close(fd);
    sys.umount(MountedFilesystem.MOUNT_POINT);
    BlockDevice dev = fs.device();
    fs.machine().mount(fs.type(), dev, underTest().mountOptions(),
        MountedFilesystem.MOUNT_POINT);
    int again = sys.open(fs.path("f"), Fcntl.O_RDONLY);
    assertArrayEquals(pattern(3 * PAGE, 1), sys.preadBytes(again, 3 * PAGE, 0));
    sys.close(again);
  }

  @Test
  default void readErrorFromTheDeviceIsEio() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    requires(Capability.BLOCK_DEVICE);
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(4 * PAGE, 1), 0);
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    BlockDevice dev = fs.device();
    for (long b : dev.storedBlocks()) {
      FaultInjection.readErrorAt(dev, b);
    }
    assertErrno(Errno.EIO, () -> sys.preadBytes(fd, 4 * PAGE, 0));
    dev.clearInjectedErrors();
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(fd, 4 * PAGE, 0),
        "readable again once the error is gone");
    sys.close(fd);
  }
}
