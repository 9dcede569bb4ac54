package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class PowerCutTest {
  private static Syscalls reboot(Rig r) {
    r.m.powerCut();
    return r.m.syscalls(r.m.spawn("after").mainTask());
  }

  @Test
  void fsyncedDataSurvivesAPowerCut() {
    Rig r = new Rig("");
    r.sys.sync();
    int fd = r.create("/mnt/f");
    byte[] a = Rig.pattern(5 * Rig.PAGE + 123, 1);
    r.sys.pwriteBytes(fd, a, 0);
    r.sys.fsync(fd);
    long logs = r.counter("log_syncs");
    assertEquals(1, logs);
    r.sys.pwriteBytes(fd, Rig.pattern(3 * Rig.PAGE, 2), 2 * Rig.PAGE); // not fsynced
    r.m.pageCache().syncAll(r.sys.task()); // even written back, it is not committed
    Syscalls s = reboot(r);
    int fd2 = s.open("/mnt/f", Fcntl.O_RDWR);
    assertEquals(a.length, s.fstat(fd2).size());
    assertArrayEquals(a, s.preadBytes(fd2, a.length + 100, 0));
    r.assertClean();
  }

  @Test
  void withoutFsyncTheFileMatchesTheLastCommit() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    byte[] a = Rig.pattern(6 * Rig.PAGE, 3);
    r.sys.pwriteBytes(fd, a, 0);
    r.sys.sync();
    r.sys.pwriteBytes(fd, Rig.pattern(4 * Rig.PAGE, 4), 4 * Rig.PAGE); // overwrite + extend
    r.m.pageCache().syncAll(r.sys.task());
    r.sys.ftruncate(fd, Rig.PAGE);
    int g = r.create("/mnt/new");
    r.sys.pwriteBytes(g, Rig.pattern(100, 5), 0);
    Syscalls s = reboot(r);
    int fd2 = s.open("/mnt/f", Fcntl.O_RDONLY);
    assertEquals(a.length, s.fstat(fd2).size());
    assertArrayEquals(a, s.preadBytes(fd2, a.length, 0));
    ErrnoException e = assertThrows(ErrnoException.class, () -> s.open("/mnt/new", 0));
    assertEquals(Errno.ENOENT, e.errno());
    r.assertClean();
  }

  @Test
  void periodicCommitOnTheSimulatedClockMakesWrittenBackDataDurable() {
    Rig r = new Rig("commit=5");
    int fd = r.create("/mnt/f");
    byte[] a = Rig.pattern(3 * Rig.PAGE, 6);
    r.sys.pwriteBytes(fd, a, 0);
    r.m.pageCache().syncAll(r.sys.task());
    long commits = r.counter("commits");
    r.m.clock().advance(Duration.ofSeconds(5));
    assertEquals(commits + 1, r.counter("commits"));
    Syscalls s = reboot(r);
    int fd2 = s.open("/mnt/f", Fcntl.O_RDONLY);
    assertArrayEquals(a, s.preadBytes(fd2, a.length + 1, 0));
    long after = r.counter("commits");
    r.m.clock().advance(Duration.ofSeconds(5));
    assertEquals(after + 1, r.counter("commits"), "only the new mount's timer commits");
    r.assertClean();
  }

  /**
   * The mount a power cut replaced never commits again: its transaction kthread died with the
   * old kernel. (It retires itself when its timer finds the machine no longer mounts it; the
   * type keeps nothing per mount, so a long crash run does not hold every state's machine.)
   */
  @Test
  void theMountAPowerCutReplacedCommitsNothingMore() {
    Rig r = new Rig("commit=5");
    BtrfsFs old = r.fs();
    r.sys.close(r.create("/mnt/never")); // only in the old mount's running transaction
    reboot(r);
    BtrfsFs fresh = r.fs();
    r.m.clock().advance(Duration.ofSeconds(11)); // both timers would fire twice
    assertTrue(old.dead, "the replaced mount retired");
    assertTrue(!fresh.dead, "the new mount lives");
    Syscalls after = reboot(r);
    ErrnoException e = assertThrows(ErrnoException.class, () -> after.open("/mnt/never", 0));
    assertEquals(Errno.ENOENT, e.errno(), "the old mount committed after the power cut");
    r.assertClean();
  }

  @Test
  void fsyncAfterOverwriteKeepsOldExtentsSafeUntilCommit() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(8 * Rig.PAGE, 7), 0);
    r.sys.fsync(fd);
    byte[] expect = Rig.pattern(8 * Rig.PAGE, 7);
    byte[] patch = Rig.pattern(2 * Rig.PAGE, 8);
    r.sys.pwriteBytes(fd, patch, 3 * Rig.PAGE);
    r.sys.fsync(fd);
    System.arraycopy(patch, 0, expect, 3 * Rig.PAGE, patch.length);
    r.sys.pwriteBytes(fd, Rig.pattern(8 * Rig.PAGE, 9), 0);
    r.m.pageCache().syncAll(r.sys.task()); // COWs again; the logged extents stay pinned
    Syscalls s = reboot(r);
    int fd2 = s.open("/mnt/f", Fcntl.O_RDONLY);
    assertArrayEquals(expect, s.preadBytes(fd2, expect.length, 0));
    r.assertClean();
    assertTrue(Arrays.equals(expect, s.preadBytes(fd2, expect.length, 0)));
  }

  @Test
  void unmountCommitsAndAMountReadsItBack() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    byte[] a = Rig.pattern(3 * Rig.PAGE + 5, 10);
    r.sys.pwriteBytes(fd, a, 0);
    r.sys.close(fd);
    r.sys.umount("/mnt");
    r.m.mount(r.type, r.dev, "", "/mnt2");
    int fd2 = r.sys.open("/mnt2/f", Fcntl.O_RDONLY);
    assertArrayEquals(a, r.sys.preadBytes(fd2, a.length + 9, 0));
    assertTrue(((BtrfsFs) r.m.vfs().resolve("/mnt2").superBlock()).fsck().isClean());
  }

  @Test
  void fsyncOfAFileInANewDirectoryLogsTheDirectoryToo() {
    Rig r = new Rig("");
    r.sys.sync();
    r.sys.mkdir("/mnt/d", 0755);
    r.sys.mkdir("/mnt/d/e", 0755);
    int fd = r.create("/mnt/d/e/f");
    int other = r.create("/mnt/d/unsynced");
    r.sys.pwriteBytes(other, Rig.pattern(10, 1), 0);
    byte[] a = Rig.pattern(2 * Rig.PAGE, 11);
    r.sys.pwriteBytes(fd, a, 0);
    r.sys.fsync(fd);
    Syscalls s = reboot(r);
    int fd2 = s.open("/mnt/d/e/f", Fcntl.O_RDONLY);
    assertArrayEquals(a, s.preadBytes(fd2, a.length + 1, 0));
    assertEquals(List.of("e"), s.readdir("/mnt/d").stream().map(e -> e.name()).toList(),
        "the unsynced sibling is not there, and no entry dangles");
    r.assertClean();
  }
}
