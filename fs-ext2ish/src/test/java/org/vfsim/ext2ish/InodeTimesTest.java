package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.Stat;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.testkit.InodeTimes;

/**
 * i_atime, i_mtime and i_ctime live in the on-disk inode: a mount (after unmount or a power cut)
 * reads them back instead of stamping the mount time. ext2's 128-byte inode holds whole seconds
 * and ext2 leaves {@code s_time_gran} at one second, so the in-core times are whole seconds too.
 */
@ExtendWith(LockValidatorExtension.class)
class InodeTimesTest {
  private static final long SEC = 1_000_000_000L;
  private static final int PAGE = 4096;

  /** current_time with s_time_gran of one second: the clock with its nanoseconds dropped. */
  private static long wholeSecond(long nanos) {
    return nanos - Math.floorMod(nanos, SEC);
  }

  private static void advance(Ext2Fixture fx, long millis) {
    fx.machine.clock().advance(Duration.ofMillis(millis));
  }

  @Test
  void fsyncedTimesSurviveAPowerCutInWholeSeconds() {
    Ext2Fixture fx = Ext2Fixture.small();
    advance(fx, 3_250);
    int fd = fx.create("f");
    advance(fx, 2_600);
    long writeAt = fx.machine.clock().nanoTime();
    assertNotEquals(0, writeAt % SEC, "the clock must be mid-second for the granularity check");
    fx.sys.writeBytes(fd, Ext2Fixture.pattern(3 * PAGE + 11, 1));
    fx.sys.fsync(fd);
    Stat before = fx.sys.fstat(fd);
    // s_time_gran = 1 s: the write's mtime/ctime are the clock truncated to the second, in core
    // already, so nothing is lost by the seconds-only on-disk inode.
    assertEquals(wholeSecond(writeAt), before.mtimeNanos(), "mtime granularity");
    assertEquals(wholeSecond(writeAt), before.ctimeNanos(), "ctime granularity");
    assertEquals(0, before.atimeNanos() % SEC, "atime granularity");
    advance(fx, 100_000);
    fx.machine.powerCut();
    fx.afterPowerCut();
    Stat after = fx.sys.stat("/mnt/f");
    InodeTimes.assertSame(before, after, "fsynced file");
    assertTrue(after.mtimeNanos() < wholeSecond(fx.machine.clock().nanoTime()),
        "mtime is the write's, not the mount's");
    fx.assertFsckClean();
  }

  @Test
  void aWriteThatWasNeverWrittenBackLeavesTheDurableTimes() {
    Ext2Fixture fx = Ext2Fixture.small();
    advance(fx, 1_500);
    int fd = fx.create("f");
    fx.sys.writeBytes(fd, Ext2Fixture.pattern(PAGE, 2));
    fx.sys.fsync(fd);
    Stat durable = fx.sys.fstat(fd);
    advance(fx, 7_300);
    fx.sys.pwriteBytes(fd, Ext2Fixture.pattern(2 * PAGE, 3), PAGE);
    Stat volatileStat = fx.sys.fstat(fd);
    assertTrue(volatileStat.mtimeNanos() > durable.mtimeNanos(), "the write moved mtime");
    assertTrue(volatileStat.size() > durable.size(), "and i_size");
    advance(fx, 4_000);
    fx.machine.powerCut();
    fx.afterPowerCut();
    Stat after = fx.sys.stat("/mnt/f");
    // Like i_size, the times are those of the last inode written back (the fsync).
    assertEquals(durable.size(), after.size(), "i_size");
    InodeTimes.assertSame(durable, after, "unsynced write");
    fx.assertFsckClean();
  }

  @Test
  void directoryAndRootTimesAfterCreateAndSyncSurvive() {
    Ext2Fixture fx = Ext2Fixture.small();
    long mkfsAt = wholeSecond(fx.machine.clock().nanoTime());
    fx.sys.umount("/mnt");
    advance(fx, 9_900);
    fx.sb = (Ext2ishSuperBlock) fx.machine.mount(fx.type, fx.dev, "", "/mnt");
    assertEquals(mkfsAt, fx.sys.stat("/mnt").mtimeNanos(), "root keeps mke2fs's time");
    advance(fx, 2_700);
    fx.sys.mkdir("/mnt/d", 0755);
    advance(fx, 4_400);
    long createAt = fx.machine.clock().nanoTime();
    int fd = fx.sys.open("/mnt/d/f", Fcntl.O_CREAT | Fcntl.O_RDWR,
        0644);
    fx.sys.close(fd);
    fx.sys.sync();
    Stat dir = fx.sys.stat("/mnt/d");
    Stat root = fx.sys.stat("/mnt");
    assertEquals(wholeSecond(createAt), dir.mtimeNanos(), "creating an entry sets the dir's mtime");
    assertTrue(root.mtimeNanos() < dir.mtimeNanos(), "root changed at mkdir, before the create");
    advance(fx, 60_000);
    fx.machine.powerCut();
    fx.afterPowerCut();
    InodeTimes.assertSame(dir, fx.sys.stat("/mnt/d"), "directory");
    InodeTimes.assertSame(root, fx.sys.stat("/mnt"), "root");
    fx.assertFsckClean();
  }

  @Test
  void timesSurviveUnmountAndMount() {
    Ext2Fixture fx = Ext2Fixture.small();
    advance(fx, 5_500);
    int fd = fx.create("f");
    fx.sys.writeBytes(fd, Ext2Fixture.pattern(PAGE, 4));
    fx.sys.close(fd);
    Stat file = fx.sys.stat("/mnt/f");
    Stat root = fx.sys.stat("/mnt");
    advance(fx, 30_000);
    fx.sys.umount("/mnt");
    fx.sb = (Ext2ishSuperBlock) fx.machine.mount(fx.type, fx.dev, "", "/mnt");
    InodeTimes.assertSame(file, fx.sys.stat("/mnt/f"), "file");
    InodeTimes.assertSame(root, fx.sys.stat("/mnt"), "root");
  }

  /**
   * The checker catches the old behaviour: an image whose inodes carry the mount time (what a
   * mount that stamps "now" produces) fails the comparison.
   */
  @Test
  void checkerCatchesTimesResetToMountTime() {
    Ext2Fixture fx = Ext2Fixture.small();
    advance(fx, 2_000);
    int fd = fx.create("f");
    fx.sys.writeBytes(fd, Ext2Fixture.pattern(PAGE, 5));
    fx.sys.fsync(fd);
    Stat before = fx.sys.fstat(fd);
    advance(fx, 50_000);
    // Broken variant: rewrite the inode on the device as if the times were stamped at the next
    // mount.
    long mountSec = fx.machine.clock().seconds();
    long ino = fx.sys.fstat(fd).ino();
    fx.machine.powerCut();
    Ext2Images.patchInode(fx.dev, fx.sb.geo, ino, (b, off) -> {
      for (int t : new int[] {8, 12, 16}) {
        Le.put32(b, off + t, mountSec);
      }
    });
    fx.machine.powerCut();
    fx.afterPowerCut();
    List<String> m = InodeTimes.mismatches(before, fx.sys.stat("/mnt/f"));
    assertFalse(m.isEmpty(), "the checker must flag times reset to the mount time");
    assertEquals(3, m.size(), () -> "all three times differ: " + m);
  }
}
