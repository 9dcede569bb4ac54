package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

@ExtendWith(LockValidatorExtension.class)
class ReflinkNocowTest {
  private static final int LEN = 16 * Rig.PAGE;

  private static long physAt(Rig r, int fd, long off) {
    for (FiemapExtent x : r.sys.fiemap(fd, 0, 0, 0)) {
      if (x.logical() <= off && off < x.logicalEnd()) {
        return x.physical() + (off - x.logical());
      }
    }
    return -1;
  }

  @Test
  void reflinkThenOverwriteLeavesTheSourceUnchanged() {
    Rig r = new Rig("");
    int src = r.create("/mnt/src");
    int dst = r.create("/mnt/dst");
    byte[] a = Rig.pattern(LEN, 1);
    r.sys.pwriteBytes(src, a, 0);
    r.sys.sync();
    long used = r.counter("data_used");
    r.sys.cloneRange(src, 0, dst, 0, 0);
    assertEquals(used, r.counter("data_used"), "a clone allocates nothing");
    assertEquals(LEN, r.sys.fstat(dst).size());
    for (FiemapExtent x : r.sys.fiemap(dst, 0, 0, 0)) {
      assertTrue(x.has(FiemapExtent.SHARED), x::toString);
    }
    assertEquals(physAt(r, src, 0), physAt(r, dst, 0));
    byte[] patch = Rig.pattern(Rig.PAGE, 2);
    r.sys.pwriteBytes(dst, patch, 5 * Rig.PAGE);
    r.sys.sync();
    assertNotEquals(physAt(r, src, 5 * Rig.PAGE), physAt(r, dst, 5 * Rig.PAGE));
    assertArrayEquals(a, r.sys.preadBytes(src, LEN, 0));
    byte[] b = a.clone();
    System.arraycopy(patch, 0, b, 5 * Rig.PAGE, Rig.PAGE);
    assertArrayEquals(b, r.sys.preadBytes(dst, LEN, 0));
    DiskExtent shared = r.fs().extent(r.inode("/mnt/src").item.items.firstEntry().getValue()
        .diskBytenr());
    assertEquals(3, shared.refCount(), "src + two pieces of dst");
    r.sys.close(src);
    r.sys.unlink("/mnt/src");
    r.sys.sync();
    assertEquals(0, r.counter("extents_freed"), "dst still references the shared extent");
    r.m.pageCache().dropCleanPages();
    assertArrayEquals(b, r.sys.preadBytes(dst, LEN, 0));
    r.assertClean();
  }

  @Test
  void cloneRejectsUnalignedRanges() {
    Rig r = new Rig("");
    int src = r.create("/mnt/src");
    int dst = r.create("/mnt/dst");
    r.sys.pwriteBytes(src, Rig.pattern(LEN, 1), 0);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> r.sys.cloneRange(src, 100, dst, 0, Rig.PAGE));
    assertEquals(Errno.EINVAL, e.errno());
    r.assertClean();
  }

  @Test
  void nodatacowOverwritesInPlace() {
    Rig r = new Rig("nodatacow");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(LEN, 3), 0);
    r.sys.sync();
    long before = physAt(r, fd, 4 * Rig.PAGE);
    long may = r.counter("data_reserved_bytes");
    byte[] patch = Rig.pattern(Rig.PAGE, 4);
    r.sys.pwriteBytes(fd, patch, 4 * Rig.PAGE);
    assertEquals(may, r.counter("data_reserved_bytes"), "no data reservation for nocow");
    assertEquals(0, r.counter("data_may_use"));
    r.sys.sync();
    assertEquals(before, physAt(r, fd, 4 * Rig.PAGE), "same physical block");
    assertEquals(1, r.counter("nocow_writes"));
    assertEquals(1, r.sys.fiemap(fd, 0, 0, 0).size(), "still one extent");
    r.m.pageCache().dropCleanPages();
    byte[] expect = Rig.pattern(LEN, 3);
    System.arraycopy(patch, 0, expect, 4 * Rig.PAGE, Rig.PAGE);
    assertArrayEquals(expect, r.sys.preadBytes(fd, LEN, 0));
    r.assertClean();
  }

  @Test
  void nodatacowStillCowsASharedExtent() {
    Rig r = new Rig("nodatacow");
    int src = r.create("/mnt/src");
    int dst = r.create("/mnt/dst");
    byte[] a = Rig.pattern(LEN, 5);
    r.sys.pwriteBytes(src, a, 0);
    r.sys.sync();
    r.sys.cloneRange(src, 0, dst, 0, 0);
    r.sys.pwriteBytes(dst, Rig.pattern(Rig.PAGE, 6), 0);
    r.sys.sync();
    assertNotEquals(physAt(r, src, 0), physAt(r, dst, 0));
    assertEquals(0, r.counter("nocow_writes"));
    assertArrayEquals(a, r.sys.preadBytes(src, LEN, 0));
    r.assertClean();
  }

  @Test
  void bookendSplitWithinOneFileIsNotReportedShared() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(LEN, 7), 0);
    r.sys.sync();
    r.sys.pwriteBytes(fd, Rig.pattern(Rig.PAGE, 8), Rig.PAGE);
    r.sys.sync();
    List<FiemapExtent> fm = r.sys.fiemap(fd, 0, 0, 0);
    assertEquals(3, fm.size());
    fm.forEach(x -> assertFalse(x.has(FiemapExtent.SHARED), x::toString));
    r.assertClean();
  }
}
