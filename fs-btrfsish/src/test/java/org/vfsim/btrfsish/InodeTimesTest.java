package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.Stat;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Syscalls;

/** Inode times are part of the inode item: a mount reads them back rather than stamping "now". */
@ExtendWith(LockValidatorExtension.class)
class InodeTimesTest {
  private static void assertSameTimes(Stat before, Stat after) {
    assertEquals(before.atimeNanos(), after.atimeNanos(), "atime");
    assertEquals(before.mtimeNanos(), after.mtimeNanos(), "mtime");
    assertEquals(before.ctimeNanos(), after.ctimeNanos(), "ctime");
  }

  @Test
  void timesSurviveUmountAndMount() {
    Rig r = new Rig("");
    r.m.clock().advance(Duration.ofSeconds(5));
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(3 * Rig.PAGE, 1), 0);
    r.sys.close(fd);
    r.sys.mkdir("/mnt/d", 0755);
    Stat file = r.sys.stat("/mnt/f");
    Stat dir = r.sys.stat("/mnt/d");
    Stat root = r.sys.stat("/mnt");
    r.m.clock().advance(Duration.ofSeconds(100));
    long now = r.m.clock().nanoTime();
    assertTrue(file.mtimeNanos() < now, "the write happened before now");
    r.sys.umount("/mnt");
    r.m.mount(r.type, r.dev, "", "/mnt");
    assertSameTimes(file, r.sys.stat("/mnt/f"));
    assertSameTimes(dir, r.sys.stat("/mnt/d"));
    assertSameTimes(root, r.sys.stat("/mnt"));
    r.assertClean();
  }

  @Test
  void fsyncedTimesSurviveAPowerCutThroughTheLog() {
    Rig r = new Rig("");
    r.sys.sync();
    r.m.clock().advance(Duration.ofSeconds(3));
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(Rig.PAGE + 7, 2), 0);
    r.sys.fsync(fd); // logged, not committed: replay must bring the times back
    assertEquals(1, r.counter("log_syncs"));
    Stat logged = r.sys.fstat(fd);
    r.m.clock().advance(Duration.ofSeconds(10));
    assertTrue(logged.mtimeNanos() < r.m.clock().nanoTime());
    r.m.powerCut();
    Syscalls s = r.m.syscalls(r.m.spawn("after").mainTask());
    assertSameTimes(logged, s.stat("/mnt/f"));
    r.assertClean();
  }
}
