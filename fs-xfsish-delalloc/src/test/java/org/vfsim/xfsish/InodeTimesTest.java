package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * di_atime, di_mtime and di_ctime (seconds and nanoseconds) live in the dinode: a mount reads
 * them back. Timestamp updates are transactions ({@code xfs_vn_update_time}), so they become
 * durable at the next log force (fsync, sync, the 30 s log worker), not with di_size.
 */
@ExtendWith(LockValidatorExtension.class)
class InodeTimesTest {
  private static final long SEC = 1_000_000_000L;
  private static final int PAGE = 4096;

  private static void advance(XfsFixture f, long millis) {
    f.m.clock().advance(Duration.ofMillis(millis));
  }

  private static void powerCut(XfsFixture f) {
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    f.current();
  }

  private static XfsFixture fixture() {
    return new XfsFixture(64L << 20, false, "", "");
  }

  @Test
  void fsyncedTimesSurviveAPowerCutToTheNanosecond() {
    XfsFixture f = fixture();
    advance(f, 3_250);
    int fd = f.create("f");
    advance(f, 2_600);
    long writeAt = f.m.clock().nanoTime();
    assertNotEquals(0, writeAt % SEC, "the clock must be mid-second to see nanoseconds kept");
    byte[] data = XfsFixture.pattern(3 * PAGE + 11, 1);
    f.sys.pwriteBytes(fd, data, 0);
    f.sys.fsync(fd);
    Stat before = f.sys.fstat(fd);
    assertEquals(writeAt, before.mtimeNanos(), "s_time_gran is 1 ns");
    assertEquals(writeAt, before.ctimeNanos());
    advance(f, 10_000);
    powerCut(f);
    Stat after = f.sys.stat("/mnt/f");
    assertEquals(data.length, after.size());
    InodeTimes.assertSame(before, after, "fsynced file");
    f.check();
  }

  @Test
  void aWriteAfterTheLastLogForceLeavesTheDurableTimes() {
    XfsFixture f = fixture();
    advance(f, 1_500);
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, XfsFixture.pattern(PAGE, 2), 0);
    f.sys.fsync(fd);
    Stat durable = f.sys.fstat(fd);
    advance(f, 7_300);
    f.sys.pwriteBytes(fd, XfsFixture.pattern(2 * PAGE, 3), PAGE / 2);
    Stat volatileStat = f.sys.fstat(fd);
    assertTrue(volatileStat.mtimeNanos() > durable.mtimeNanos(), "the write moved mtime");
    assertTrue(volatileStat.size() > durable.size(), "and i_size");
    advance(f, 4_000); // well before the 30 s log worker
    powerCut(f);
    Stat after = f.sys.stat("/mnt/f");
    assertEquals(durable.size(), after.size(), "di_size");
    InodeTimes.assertSame(durable, after, "write after the last force");
    f.check();
  }

  /**
   * An overwrite allocates nothing and leaves di_size alone, yet its mtime update is a
   * transaction: the log worker commits it, and it survives a power cut without any fsync.
   */
  @Test
  void theLogWorkerMakesATimestampOnlyChangeDurable() {
    XfsFixture f = fixture();
    advance(f, 2_000);
    int fd = f.create("f");
    byte[] data = XfsFixture.pattern(2 * PAGE, 4);
    f.sys.pwriteBytes(fd, data, 0);
    f.sys.fsync(fd);
    advance(f, 3_300);
    f.sys.pwriteBytes(fd, XfsFixture.pattern(PAGE, 5), 0);
    Stat overwritten = f.sys.fstat(fd);
    long forces = f.sb.counters().get("log_forces");
    advance(f, XfsSuperBlock.LOG_WORKER.toMillis() + 1_000);
    assertTrue(f.sb.counters().get("log_forces") > forces, "the log worker forced the log");
    powerCut(f);
    Stat after = f.sys.stat("/mnt/f");
    assertEquals(data.length, after.size());
    InodeTimes.assertSame(overwritten, after, "overwrite committed by the log worker");
    f.check();
  }

  /** fdatasync does not force the log for timestamps alone; fsync does. */
  @Test
  void fdatasyncLeavesATimestampOnlyChangeInTheLog() {
    XfsFixture f = fixture();
    advance(f, 2_000);
    int fd = f.create("f");
    byte[] data = XfsFixture.pattern(2 * PAGE, 6);
    f.sys.pwriteBytes(fd, data, 0);
    f.sys.fsync(fd);
    Stat durable = f.sys.fstat(fd);
    advance(f, 1_700);
    byte[] over = XfsFixture.pattern(PAGE, 7);
    f.sys.pwriteBytes(fd, over, 0);
    long forces = f.sb.counters().get("log_forces");
    f.sys.fdatasync(fd);
    assertEquals(forces, f.sb.counters().get("log_forces"), "no force for timestamps alone");
    advance(f, 1_000);
    powerCut(f);
    InodeTimes.assertSame(durable, f.sys.stat("/mnt/f"), "fdatasync of an overwrite");
    int back = f.sys.open("/mnt/f", Fcntl.O_RDONLY);
    assertArrayEquals(over, f.sys.preadBytes(back, PAGE, 0), "the data was written");

    advance(f, 1_100);
    int w = f.sys.open("/mnt/f", Fcntl.O_RDWR);
    f.sys.pwriteBytes(w, XfsFixture.pattern(PAGE, 8), PAGE);
    Stat fsynced = f.sys.fstat(w);
    assertTrue(fsynced.mtimeNanos() > durable.mtimeNanos());
    f.sys.fsync(w);
    powerCut(f);
    InodeTimes.assertSame(fsynced, f.sys.stat("/mnt/f"), "fsync of an overwrite");
    f.check();
  }

  @Test
  void directoryAndRootTimesAfterCreateAndSyncSurvive() {
    XfsFixture f = fixture();
    long mkfsAt = f.m.clock().nanoTime();
    f.sys.umount("/mnt");
    advance(f, 9_900);
    f.m.mount(f.type, f.dev, "", "/mnt");
    f.current();
    assertEquals(mkfsAt, f.sys.stat("/mnt").mtimeNanos(), "root keeps mkfs.xfs's time");
    advance(f, 2_700);
    long mkdirAt = f.m.clock().nanoTime();
    f.sys.mkdir("/mnt/d", 0755);
    advance(f, 4_400);
    long createAt = f.m.clock().nanoTime();
    f.sys.close(f.sys.open("/mnt/d/f", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644));
    f.sys.sync();
    Stat dir = f.sys.stat("/mnt/d");
    Stat root = f.sys.stat("/mnt");
    assertEquals(createAt, dir.mtimeNanos(), "creating an entry sets the directory's mtime");
    assertEquals(mkdirAt, root.mtimeNanos(), "mkdir set the root's mtime");
    advance(f, 20_000);
    powerCut(f);
    InodeTimes.assertSame(dir, f.sys.stat("/mnt/d"), "directory");
    InodeTimes.assertSame(root, f.sys.stat("/mnt"), "root");
    f.check();
  }

  /**
   * The checker catches the old behaviour: dinodes on disk that carry the mount time
   * (what a mount stamping "now" produces) fails the comparison.
   */
  @Test
  void checkerCatchesTimesResetToMountTime() {
    XfsFixture f = fixture();
    advance(f, 2_000);
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, XfsFixture.pattern(PAGE, 9), 0);
    f.sys.fsync(fd);
    Stat before = f.sys.fstat(fd);
    advance(f, 5_000);
    // The dinode on disk gets the current time, as a mount stamping "now" would leave it.
    long now = f.m.clock().nanoTime();
    XfsInode ip = f.inode("f");
    ip.timesFromDisk(now, now, now);
    f.sb.logForce();
    powerCut(f);
    List<String> m = InodeTimes.mismatches(before, f.sys.stat("/mnt/f"));
    assertFalse(m.isEmpty(), "the checker must flag times reset to the mount time");
    assertEquals(3, m.size(), () -> "all three times differ: " + m);
  }
}
