package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

/** Inode and data placement by AG, and page_mkwrite's reservation. */
@ExtendWith(LockValidatorExtension.class)
class PlacementTest {
  static final int BS = 4096;

  @Test
  void directoriesRotateAcrossAgsAndFilesFollowTheirDirectory() {
    XfsFixture f = new XfsFixture(64L << 20, false, "agcount=4", "");
    Set<Integer> ags = new HashSet<>();
    for (int d = 0; d < 4; d++) {
      f.sys.mkdir("/mnt/d" + d, 0755);
      XfsInode dir = (XfsInode) f.sys.inode("/mnt/d" + d);
      ags.add(dir.agno());
      int fd = f.sys.open("/mnt/d" + d + "/x", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
      f.sys.pwriteBytes(fd, new byte[8 * BS], 0);
      f.sys.fsync(fd);
      XfsInode file = (XfsInode) f.sys.inode("/mnt/d" + d + "/x");
      assertEquals(dir.agno(), file.agno(), "a file's inode lives in its directory's AG");
      List<FiemapExtent> map = f.sys.fiemap(fd, 0, 0, 0);
      long block = map.get(0).physical() / BS;
      assertEquals(file.agno(), f.sb.agOf(block), "its data is allocated in the inode's AG");
    }
    assertEquals(4, ags.size(), "four directories, four AGs");
    f.check();
  }

  @Test
  void mmapStoreIntoAHoleReservesDelallocAndWritesBack() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    int fd = f.create("m");
    f.sys.ftruncate(fd, 4 * BS);
    long map = f.sys.mmap(0, 4 * BS, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    byte[] data = XfsFixture.pattern(100, 1);
    f.sys.store(map + 2 * BS + 10, data);
    assertEquals(1, f.inode("m").delayedBlocks(), "page_mkwrite reserved the page's block");
    f.check();
    f.sys.msync(map, 4 * BS, Fcntl.MS_SYNC);
    f.sys.munmap(map, 4 * BS);
    f.sys.fsync(fd);
    f.check();
    f.m.pageCache().dropCleanPages();
    byte[] back = f.sys.preadBytes(fd, 100, 2 * BS + 10);
    assertArrayEquals(data, back);
    List<FiemapExtent> ext = f.sys.fiemap(fd, 0, 0, 0);
    assertEquals(1, ext.size());
    assertEquals(2L * BS, ext.get(0).logical());
    assertTrue(ext.get(0).has(FiemapExtent.LAST));
  }

  private static long firstBlockAt(XfsFixture f, int fd, long pos) {
    for (FiemapExtent e : f.sys.fiemap(fd, 0, 0, 0)) {
      if (e.logical() <= pos && pos < e.logicalEnd()) {
        return (e.physical() + (pos - e.logical())) / BS;
      }
    }
    throw new AssertionError("nothing mapped at " + pos);
  }

  /**
   * Linux's XFS (1 GiB, defaults) puts {@code pwrite 0 4k; fsync; pwrite 12k 4k; fsync; pwrite
   * 100k 4k; fsync} at fs blocks 10, 13 and 14: a gap of 2 blocks, at most XFS_ALLOC_GAP_UNITS
   * (4) times the 1-block allocation, offsets the goal by the gap; a gap of 21 does not, and the
   * block goes right after the previous extent.
   */
  @Test
  void smallGapOffsetsTheGoalLargeGapDoesNot() {
    XfsFixture f = new XfsFixture(1L << 30, true, "", "");
    int fd = f.create("g");
    long[] at = {0, 12 << 10, 100 << 10};
    long[] got = new long[3];
    for (int k = 0; k < 3; k++) {
      f.sys.pwriteBytes(fd, new byte[BS], at[k]);
      f.sys.fsync(fd);
      got[k] = firstBlockAt(f, fd, at[k]);
    }
    System.out.printf("4 KiB writes at 0, 12k, 100k: blocks %d, %d, %d (XFS: 10, 13, 14)%n",
        got[0], got[1], got[2]);
    assertEquals(got[0] + 3, got[1], "gap 2 <= 4 x 1: the goal keeps the file's gap");
    assertEquals(got[1] + 1, got[2], "gap 21 > 4 x 1: right after the previous extent");
    f.check();
  }

  /** 64 KiB writes at 0 and 192 KiB land at blocks 24 and 72 on XFS: gap 32 <= 4 x 16. */
  @Test
  void sixtyFourKibWritesKeepAGapUpToFourTimesTheirLength() {
    XfsFixture f = new XfsFixture(1L << 30, true, "", "");
    int fd = f.create("g");
    f.sys.pwriteBytes(fd, new byte[16 * BS], 0);
    f.sys.fsync(fd);
    f.sys.pwriteBytes(fd, new byte[16 * BS], 192 << 10);
    f.sys.fsync(fd);
    long a = firstBlockAt(f, fd, 0);
    long b = firstBlockAt(f, fd, 192 << 10);
    assertEquals(a + 48, b, "the 32-block gap is kept");
    // A gap of 240 blocks is more than 4 x 16: the next write follows the previous extent.
    f.sys.pwriteBytes(fd, new byte[16 * BS], 1 << 20);
    f.sys.fsync(fd);
    long c = firstBlockAt(f, fd, 1 << 20);
    assertEquals(b + 16, c, "gap 240 > 64: right after the previous extent");
    f.check();
  }
}
