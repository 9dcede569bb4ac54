package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

/** fallocate, unwritten extents and their conversion, punch hole, zero range, seek. */
@ExtendWith(LockValidatorExtension.class)
class UnwrittenExtentTest {
  static final int BS = 4096;

  @Test
  void fallocatedSpaceReadsAsZerosEvenOverOldData() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    // Leave non-zero data on the disk, free it, then fallocate over the same blocks.
    int old = f.create("old");
    f.sys.pwriteBytes(old, XfsFixture.pattern(256 * BS, 4), 0);
    f.sys.fsync(old);
    f.sys.close(old);
    f.sys.unlink("/mnt/old");
    int fd = f.create("a");
    f.sys.fallocate(fd, 0, 0, 256 * BS);
    f.check();
    assertEquals(256L * BS, f.sys.fstat(fd).size());
    f.m.pageCache().dropCleanPages();
    // Unwritten space is a hole to SEEK_DATA while no cached page holds data (iomap_seek_data).
    assertEquals(org.vfsim.syscall.Errno.ENXIO, org.junit.jupiter.api.Assertions.assertThrows(
        org.vfsim.syscall.ErrnoException.class, () -> f.sys.lseek(fd, 0, Fcntl.SEEK_DATA)).errno());
    assertArrayEquals(new byte[256 * BS], f.sys.preadBytes(fd, 256 * BS, 0));
    List<FiemapExtent> map = f.sys.fiemap(fd, 0, 0, 0);
    assertEquals(1, map.size());
    assertTrue(map.get(0).has(FiemapExtent.UNWRITTEN) && map.get(0).has(FiemapExtent.LAST));
  }

  @Test
  void writeIntoTheMiddleSplitsUnwrittenWrittenUnwritten() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    int fd = f.create("a");
    f.sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, 64 * BS);
    f.sys.ftruncate(fd, 64 * BS);
    byte[] data = XfsFixture.pattern(2 * BS, 6);
    f.sys.pwriteBytes(fd, data, 31 * BS);
    f.sys.fsync(fd);
    f.check();
    List<FiemapExtent> map = f.sys.fiemap(fd, 0, 0, 0);
    assertEquals(3, map.size(), map.toString());
    assertTrue(map.get(0).has(FiemapExtent.UNWRITTEN));
    assertEquals(31L * BS, map.get(0).length());
    assertEquals(0, map.get(1).flags() & ~FiemapExtent.LAST);
    assertEquals(2L * BS, map.get(1).length());
    assertTrue(map.get(2).has(FiemapExtent.UNWRITTEN) && map.get(2).has(FiemapExtent.LAST));
    assertEquals(map.get(0).physical() + map.get(0).length(), map.get(1).physical());
    assertEquals(1, XfsFixture.filefragExtents(map), "still physically contiguous");
    assertEquals(31L * BS, f.sys.lseek(fd, 0, Fcntl.SEEK_DATA));
    assertEquals(33L * BS, f.sys.lseek(fd, 31 * BS, Fcntl.SEEK_HOLE));
    f.m.pageCache().dropCleanPages();
    byte[] back = f.sys.preadBytes(fd, 64 * BS, 0);
    byte[] want = new byte[64 * BS];
    System.arraycopy(data, 0, want, 31 * BS, data.length);
    assertArrayEquals(want, back);
    assertEquals(2, f.sb.counter(Counter.UNWRITTEN_CONVERTED_BLOCKS));
  }

  @Test
  void punchHoleAndZeroRange() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    int fd = f.create("a");
    byte[] data = XfsFixture.pattern(16 * BS, 7);
    f.sys.pwriteBytes(fd, data, 0);
    f.sys.fsync(fd);
    f.sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, 2 * BS + 100, 4 * BS);
    f.check();
    byte[] want = data.clone();
    java.util.Arrays.fill(want, 2 * BS + 100, 6 * BS + 100, (byte) 0);
    assertArrayEquals(want, f.sys.preadBytes(fd, 16 * BS, 0));
    f.sys.fsync(fd);
    f.m.pageCache().dropCleanPages();
    assertArrayEquals(want, f.sys.preadBytes(fd, 16 * BS, 0), "the partial blocks were zeroed on disk");
    List<FiemapExtent> map = f.sys.fiemap(fd, 0, 0, 0);
    assertEquals(2, map.size(), "blocks 3..5 are a hole: " + map);
    assertEquals(3L * BS, map.get(1).logical() - map.get(0).logicalEnd());
    f.sys.fallocate(fd, FallocMode.ZERO_RANGE, 10 * BS, 8 * BS);
    java.util.Arrays.fill(want, 10 * BS, 16 * BS, (byte) 0);
    assertEquals(18L * BS, f.sys.fstat(fd).size());
    byte[] grown = java.util.Arrays.copyOf(want, 18 * BS);
    assertArrayEquals(grown, f.sys.preadBytes(fd, 18 * BS, 0));
    map = f.sys.fiemap(fd, 10 * BS, 8 * BS, 0);
    assertTrue(map.stream().allMatch(e -> e.has(FiemapExtent.UNWRITTEN)), map.toString());
    f.check();
  }

  @Test
  void delayedExtentsReportDelallocWithNoPhysicalAddress() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    int fd = f.create("a");
    f.sys.pwriteBytes(fd, new byte[3 * BS], 0);
    List<FiemapExtent> map = f.sys.fiemap(fd, 0, 0, 0);
    assertEquals(1, map.size());
    FiemapExtent e = map.get(0);
    assertEquals(FiemapExtent.DELALLOC | FiemapExtent.UNKNOWN | FiemapExtent.LAST, e.flags());
    assertEquals(0, e.physical());
    assertEquals(0, f.sys.lseek(fd, 0, Fcntl.SEEK_DATA), "dirty pages over delalloc are data");
  }
}
