package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;

@ExtendWith(LockValidatorExtension.class)
class BookendTest {
  private static final int MIB = 1 << 20;

  @Test
  void overwriteInTheMiddleLeavesThreeItemsOverTwoExtents() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    byte[] data = Rig.pattern(MIB, 1);
    r.sys.pwriteBytes(fd, data, 0);
    r.sys.sync();
    BtrfsInode ino = r.inode("/mnt/f");
    long original = ino.item.items.firstEntry().getValue().diskBytenr();
    byte[] patch = Rig.pattern(4096, 9);
    r.sys.pwriteBytes(fd, patch, 512 * 1024);
    r.sys.sync();

    Map<Long, FileExtentItem> items = ino.item.items;
    assertEquals(3, items.size(), items::toString);
    assertEquals(2, items.values().stream().map(FileExtentItem::diskBytenr).distinct().count());
    DiskExtent old = r.fs().extent(original);
    assertEquals(MIB, old.numBytes, "the partially overwritten extent keeps its full size");
    assertEquals(2, old.refCount(), "head and tail items both reference it");
    assertFalse(old.shared(), "a bookend split within one file is not shared");
    assertEquals(MIB + 4096, r.fs().allocatedDataBytes());
    assertEquals(MIB, r.fs().referencedBytes());
    List<FiemapExtent> fm = r.sys.fiemap(fd, 0, 0, 0);
    assertEquals(3, fm.size(), fm::toString);
    assertTrue(fm.get(2).has(FiemapExtent.LAST));
    System.arraycopy(patch, 0, data, 512 * 1024, 4096);
    assertArrayEquals(data, r.sys.preadBytes(fd, MIB, 0));
    r.assertClean();
  }

  /**
   * Rewriting [0, L_j) with L_j = 1 MiB - j * 4 KiB, synced each time: extent E_j keeps a 4 KiB
   * tail referenced by the file, so none is ever freed and the allocated bytes are the sum of
   * every L_i while the referenced bytes stay 1 MiB.
   */
  @Test
  void shrinkingRewritesGrowSpaceByTheBookendRule() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    long expectAllocated = 0;
    StringBuilder report = new StringBuilder("bookend growth (rewrite j, length, allocated, "
        + "referenced, space amplification):\n");
    for (int j = 0; j <= 16; j++) {
      int len = MIB - j * 4096;
      r.sys.pwriteBytes(fd, Rig.pattern(len, j), 0);
      r.sys.sync();
      expectAllocated += len;
      long alloc = r.fs().allocatedDataBytes();
      long ref = r.fs().referencedBytes();
      assertEquals(expectAllocated, alloc, "allocated after rewrite " + j);
      assertEquals(MIB, ref);
      assertEquals(0, r.counter("extents_freed"));
      report.append(String.format("  j=%2d len=%7d allocated=%9d referenced=%7d amp=%.2f%n", j,
          len, alloc, ref, (double) alloc / ref));
      r.assertClean();
    }
    System.out.print(report);
    byte[] expect = Rig.pattern(MIB, 0);
    byte[] got = r.sys.preadBytes(fd, MIB, 0);
    for (int j = 16; j >= 0; j--) {
      int len = MIB - j * 4096;
      byte[] p = Rig.pattern(len, j);
      int from = j == 16 ? 0 : MIB - (j + 1) * 4096;
      for (int b = from; b < len; b++) {
        expect[b] = p[b];
      }
    }
    assertArrayEquals(expect, got);
  }
}
