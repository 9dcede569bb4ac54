package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.Vfs;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

@ExtendWith(LockValidatorExtension.class)
class FallocateFiemapTest {
  private static final int P = Rig.PAGE;

  @Test
  void preallocatedRangeIsUnwrittenAndWritesGoInPlace() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, 8 * P);
    assertEquals(0, r.sys.fstat(fd).size());
    List<FiemapExtent> fm = r.sys.fiemap(fd, 0, 0, 0);
    assertEquals(1, fm.size());
    assertTrue(fm.get(0).has(FiemapExtent.UNWRITTEN) && fm.get(0).has(FiemapExtent.LAST));
    long phys = fm.get(0).physical();
    r.sys.fallocate(fd, 0, 0, 8 * P);
    assertEquals(8 * P, r.sys.fstat(fd).size());
    assertArrayEquals(new byte[8 * P], r.sys.preadBytes(fd, 8 * P, 0));
    byte[] d = Rig.pattern(2 * P, 1);
    r.sys.pwriteBytes(fd, d, 3 * P);
    fm = r.sys.fiemap(fd, 0, 0, 0);
    assertTrue(fm.stream().anyMatch(x -> x.has(FiemapExtent.DELALLOC)), fm::toString);
    r.sys.fsync(fd);
    fm = r.sys.fiemap(fd, 0, 0, 0);
    assertEquals(3, fm.size(), fm::toString);
    assertTrue(fm.get(0).has(FiemapExtent.UNWRITTEN));
    assertFalse(fm.get(1).has(FiemapExtent.UNWRITTEN));
    assertEquals(phys + 3 * P, fm.get(1).physical(), "written in place into the prealloc extent");
    assertTrue(fm.get(2).has(FiemapExtent.UNWRITTEN));
    assertEquals(2, r.counter("nocow_writes"));
    assertEquals(0, r.counter("data_may_use"));
    assertEquals(3 * P, r.sys.lseek(fd, 0, Fcntl.SEEK_DATA));
    assertEquals(5 * P, r.sys.lseek(fd, 3 * P, Fcntl.SEEK_HOLE));
    r.m.pageCache().dropCleanPages();
    byte[] expect = new byte[8 * P];
    System.arraycopy(d, 0, expect, 3 * P, 2 * P);
    assertArrayEquals(expect, r.sys.preadBytes(fd, 8 * P, 0));
    r.assertClean();
  }

  @Test
  void punchHoleAndZeroRange() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    byte[] d = Rig.pattern(8 * P, 2);
    r.sys.pwriteBytes(fd, d, 0);
    r.sys.sync();
    r.sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, P + 100, 3 * P);
    Arrays.fill(d, P + 100, 4 * P + 100, (byte) 0);
    assertArrayEquals(d, r.sys.preadBytes(fd, 8 * P, 0));
    r.sys.sync();
    r.m.pageCache().dropCleanPages();
    assertArrayEquals(d, r.sys.preadBytes(fd, 8 * P, 0));
    assertEquals(2 * P, r.sys.lseek(fd, 2 * P, Fcntl.SEEK_HOLE), "whole blocks were punched");
    r.sys.fallocate(fd, FallocMode.ZERO_RANGE, 6 * P, 4 * P);
    assertEquals(10 * P, r.sys.fstat(fd).size());
    byte[] e = Arrays.copyOf(d, 10 * P);
    Arrays.fill(e, 6 * P, 10 * P, (byte) 0);
    assertArrayEquals(e, r.sys.preadBytes(fd, 10 * P, 0));
    List<FiemapExtent> fm = r.sys.fiemap(fd, 6 * P, 4 * P, Vfs.FIEMAP_FLAG_SYNC);
    assertTrue(fm.stream().allMatch(x -> x.has(FiemapExtent.UNWRITTEN)), fm::toString);
    r.assertClean();
  }

  @Test
  void truncateDownThenUpReadsZeros() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    byte[] d = Rig.pattern(3 * P, 3);
    r.sys.pwriteBytes(fd, d, 0);
    r.sys.sync();
    r.m.pageCache().dropCleanPages();
    r.sys.ftruncate(fd, P + 10);
    r.sys.ftruncate(fd, 3 * P);
    byte[] e = Arrays.copyOf(Arrays.copyOf(d, P + 10), 3 * P);
    assertArrayEquals(e, r.sys.preadBytes(fd, 3 * P, 0));
    r.sys.sync();
    r.m.pageCache().dropCleanPages();
    assertArrayEquals(e, r.sys.preadBytes(fd, 3 * P, 0));
    // A write past EOF zeroes the old EOF block's tail (cont_expand).
    r.sys.ftruncate(fd, P + 10);
    r.sys.sync();
    r.sys.pwriteBytes(fd, new byte[] {1}, 3 * P);
    byte[] f = Arrays.copyOf(Arrays.copyOf(d, P + 10), 3 * P + 1);
    f[3 * P] = 1;
    assertArrayEquals(f, r.sys.preadBytes(fd, 3 * P + 1, 0));
    r.assertClean();
  }
}
