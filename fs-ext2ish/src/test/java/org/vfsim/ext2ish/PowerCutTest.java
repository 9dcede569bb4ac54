package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.OpenFile;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/** What fsync, sync and unmount stored is what a mount after a power cut finds. */
@ExtendWith(LockValidatorExtension.class)
class PowerCutTest {
  private static final int PAGE = 4096;

  @Test
  void fsyncedFileSurvivesAndUnsyncedCreateDoesNot() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("durable");
    byte[] data = Ext2Fixture.pattern(10 * PAGE + 123, 1);
    fx.sys.writeBytes(fd, data);
    fx.sys.fsync(fd);
    int other = fx.create("lost");
    fx.sys.writeBytes(other, Ext2Fixture.pattern(PAGE, 2));
    fx.machine.powerCut();
    fx.afterPowerCut();
    fx.assertFsckClean();
    int back = fx.sys.open("/mnt/durable", OpenFile.O_RDONLY);
    assertEquals(data.length, fx.sys.fstat(back).size());
    assertArrayEquals(data, fx.sys.preadBytes(back, data.length, 0));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.sys.open("/mnt/lost", OpenFile.O_RDONLY));
    assertEquals(Errno.ENOENT, e.errno());
  }

  @Test
  void syncMakesEverythingDurableAndLaterChangesAreLost() {
    Ext2Fixture fx = new Ext2Fixture(16L << 20, 1024, false, "", "");
    fx.sys.mkdir("/mnt/dir", 0755);
    int fd = fx.sys.open("/mnt/dir/f", OpenFile.O_CREAT | OpenFile.O_RDWR, 0644);
    byte[] data = Ext2Fixture.pattern(3 * PAGE + 7, 3);
    fx.sys.writeBytes(fd, data);
    fx.sys.sync();
    long freeAtSync = fx.freeBlocks();
    fx.sys.ftruncate(fd, 10);
    fx.sys.pwriteBytes(fd, Ext2Fixture.pattern(PAGE, 4), 100 * PAGE);
    fx.machine.powerCut();
    fx.afterPowerCut();
    fx.assertFsckClean();
    assertEquals(freeAtSync, fx.freeBlocks());
    int back = fx.sys.open("/mnt/dir/f", OpenFile.O_RDONLY);
    assertArrayEquals(data, fx.sys.preadBytes(back, data.length + 10, 0));
    // The remounted filesystem works: allocate, write and check again.
    int w = fx.sys.open("/mnt/dir/g", OpenFile.O_CREAT | OpenFile.O_RDWR, 0644);
    fx.sys.writeBytes(w, data);
    fx.sys.fsync(w);
    fx.assertFsckClean();
    assertTrue(fx.sb.counters().get("image_stores") >= 1);
  }

  @Test
  void unmountStoresAndMountReadsBack() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    byte[] data = Ext2Fixture.pattern(5 * PAGE, 5);
    fx.sys.writeBytes(fd, data);
    fx.sys.close(fd);
    long free = fx.freeBlocks();
    fx.sys.umount("/mnt");
    fx.sb = (Ext2ishSuperBlock) fx.machine.mount(fx.type, fx.dev, "", "/mnt");
    fx.assertFsckClean();
    assertEquals(free, fx.freeBlocks());
    int back = fx.sys.open("/mnt/f", OpenFile.O_RDONLY);
    assertArrayEquals(data, fx.sys.preadBytes(back, data.length, 0));
  }
}
