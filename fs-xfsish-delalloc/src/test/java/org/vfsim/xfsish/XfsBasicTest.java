package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

@ExtendWith(LockValidatorExtension.class)
class XfsBasicTest {
  @Test
  void writeReadBackThroughCacheAndDisk() {
    XfsFixture f = new XfsFixture(64 << 20, false, "", "");
    int fd = f.create("a");
    byte[] data = XfsFixture.pattern(100_000, 1);
    assertEquals(data.length, f.sys.pwriteBytes(fd, data, 0));
    f.check();
    assertTrue(f.sb.space().reservedData() > 0, "delayed allocation reserved space");
    List<FiemapExtent> before = f.sys.fiemap(fd, 0, 0, 0);
    assertTrue(before.get(0).has(FiemapExtent.DELALLOC), before.toString());
    f.sys.fsync(fd);
    f.check();
    assertEquals(0, f.sb.space().reservedData());
    assertArrayEquals(data, f.sys.preadBytes(fd, data.length, 0));
    f.m.pageCache().dropCleanPages();
    assertArrayEquals(data, f.sys.preadBytes(fd, data.length, 0));
    f.check();
  }

  @Test
  void fsyncedDataSurvivesPowerCutAndDelallocVanishes() {
    XfsFixture f = new XfsFixture(64 << 20, false, "", "");
    int fd = f.create("a");
    byte[] data = XfsFixture.pattern(50_000, 2);
    f.sys.pwriteBytes(fd, data, 0);
    int fd2 = f.create("b");
    int fd3 = f.create("c");
    f.sys.fsync(fd); // the log force also commits the creation of b and c
    f.sys.pwriteBytes(fd2, data, 0); // never synced
    f.sys.close(fd3);
    f.create("d"); // created after the last log force: lost
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    XfsSuperBlock s = f.current();
    f.check();
    assertEquals(0, s.space().reservedData());
    int r = f.sys.open("/mnt/a", 0);
    assertEquals(data.length, f.sys.fstat(r).size());
    assertArrayEquals(data, f.sys.preadBytes(r, data.length, 0));
    int rb = f.sys.open("/mnt/b", 0);
    assertEquals(0, f.sys.fstat(rb).size(), "di_size only moves when data reaches the disk");
    assertEquals(org.vfsim.syscall.Errno.ENOENT, org.junit.jupiter.api.Assertions.assertThrows(
        org.vfsim.syscall.ErrnoException.class, () -> f.sys.open("/mnt/d", 0)).errno());
  }

  @Test
  void unmountAndRemountKeepsEverything() {
    XfsFixture f = new XfsFixture(64 << 20, false, "agcount=2", "");
    f.sys.mkdir("/mnt/d", 0755);
    int fd = f.sys.open("/mnt/d/x", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    byte[] data = XfsFixture.pattern(9000, 3);
    f.sys.pwriteBytes(fd, data, 0);
    f.sys.close(fd);
    f.sys.umount("/mnt");
    f.m.mount(f.type, f.dev, "", "/mnt");
    f.check();
    int r = f.sys.open("/mnt/d/x", 0);
    assertArrayEquals(data, f.sys.preadBytes(r, data.length, 0));
    assertFalse(f.sys.readdir("/mnt").isEmpty());
    assertEquals(Fcntl.SEEK_DATA, 3);
  }
}
