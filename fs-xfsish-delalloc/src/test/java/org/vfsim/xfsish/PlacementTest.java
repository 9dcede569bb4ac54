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
import org.vfsim.fs.OpenFile;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.mm.Mm;

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
      int fd = f.sys.open("/mnt/d" + d + "/x", OpenFile.O_CREAT | OpenFile.O_RDWR, 0644);
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
    long map = f.sys.mmap(0, 4 * BS, Mm.PROT_READ | Mm.PROT_WRITE, Mm.MAP_SHARED, fd, 0);
    byte[] data = XfsFixture.pattern(100, 1);
    f.sys.store(map + 2 * BS + 10, data);
    assertEquals(1, f.inode("m").delayedBlocks(), "page_mkwrite reserved the page's block");
    f.check();
    f.sys.msync(map, 4 * BS, Mm.MS_SYNC);
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
}
