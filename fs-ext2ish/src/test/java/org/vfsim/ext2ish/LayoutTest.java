package org.vfsim.ext2ish;

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

/** Where ext2's goal rules and reservation windows put the blocks of files. */
@ExtendWith(LockValidatorExtension.class)
class LayoutTest {
  private static final int PAGE = 4096;

  @Test
  void sequentialFileOfDirectBlocksIsOneExtent() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("seq");
    for (int i = 0; i < 12; i++) {
      assertEquals(PAGE, fx.sys.writeBytes(fd, Ext2Fixture.pattern(PAGE, i)));
    }
    List<FiemapExtent> ext = fx.fiemap(fd);
    assertEquals(1, ext.size(), ext::toString);
    assertEquals(12L * PAGE, ext.get(0).length());
    assertTrue(ext.get(0).has(FiemapExtent.LAST));
    assertTrue(!ext.get(0).has(FiemapExtent.DELALLOC));
    fx.assertFsckClean();
  }

  /**
   * ext2 allocates an indirect block in the same call as the first data block below it, so a
   * sequential file is one physical run in which its own indirect blocks sit: fiemap (like the
   * kernel's for ext2) reports extents split only by those indirect blocks.
   */
  @Test
  void sequentialFileIsContiguousExceptForItsIndirectBlocks() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("seq");
    for (int i = 0; i < 1200; i++) {
      fx.sys.writeBytes(fd, Ext2Fixture.pattern(PAGE, i));
    }
    List<FiemapExtent> ext = fx.fiemap(fd);
    Ext2ishInode inode = (Ext2ishInode) fx.machine.vfs().resolve("/mnt/seq");
    Set<Long> indirect = new HashSet<>();
    fx.sb.map.forEachBlock(inode.rec, (b, ind) -> {
      if (ind) {
        indirect.add(b);
      }
    });
    assertEquals(3, indirect.size(), "single, double and one double-indirect leaf");
    long gapBlocks = 0;
    for (int i = 1; i < ext.size(); i++) {
      long prevEnd = (ext.get(i - 1).physical() + ext.get(i - 1).length()) / PAGE;
      long start = ext.get(i).physical() / PAGE;
      for (long b = prevEnd; b < start; b++) {
        assertTrue(indirect.contains(b), "gap block " + b + " is not an indirect block of the file");
        gapBlocks++;
      }
    }
    assertEquals(indirect.size(), gapBlocks, "every indirect block lies between two extents");
    assertEquals(3, ext.size(), ext::toString);
    fx.assertFsckClean();
  }

  /**
   * Physical runs of a file as e2fsprogs' filefrag counts them for an indirect-mapped file: an
   * extent continues across the file's own indirect blocks.
   */
  static List<long[]> runs(Ext2Fixture fx, String name) {
    Ext2ishInode inode = (Ext2ishInode) fx.machine.vfs().resolve("/mnt/" + name);
    Set<Long> indirect = new HashSet<>();
    fx.sb.map.forEachBlock(inode.rec, (b, ind) -> {
      if (ind) {
        indirect.add(b);
      }
    });
    List<long[]> out = new java.util.ArrayList<>();
    for (long b : fx.blocksOf(name)) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      long expect = last == null ? -1 : last[0] + last[1];
      while (last != null && indirect.contains(expect)) {
        expect++;
      }
      if (last != null && b == expect) {
        last[1] = b - last[0] + 1;
      } else {
        out.add(new long[] {b, 1});
      }
    }
    return out;
  }

  /**
   * Two files appended in turns; returns fiemap extent counts of both, the shortest run (blocks,
   * across the files' own indirect blocks, not counting each file's last) and the run counts.
   */
  static long[] interleave(Ext2Fixture fx, int appends) {
    int a = fx.create("a");
    int b = fx.create("b");
    byte[] buf = new byte[PAGE];
    for (int i = 0; i < appends; i++) {
      fx.sys.writeBytes(a, buf);
      fx.sys.writeBytes(b, buf);
    }
    fx.sys.fsync(a);
    fx.sys.fsync(b);
    List<FiemapExtent> ea = fx.fiemap(a);
    List<FiemapExtent> eb = fx.fiemap(b);
    long shortest = Long.MAX_VALUE;
    List<long[]> ra = runs(fx, "a");
    List<long[]> rb = runs(fx, "b");
    for (List<long[]> l : List.of(ra, rb)) {
      for (int i = 0; i < l.size() - 1; i++) { // the last run may be cut short by EOF
        shortest = Math.min(shortest, l.get(i)[1]);
      }
    }
    fx.assertFsckClean();
    return new long[] {ea.size(), eb.size(), shortest, ra.size(), rb.size(),
        Math.round(1000 * layoutScore(fx.blocksOf("a"))),
        Math.round(1000 * layoutScore(fx.blocksOf("b")))};
  }

  /** Smith and Seltzer: the fraction of blocks after the first that follow the previous one. */
  static double layoutScore(long[] blocks) {
    int ok = 0;
    for (int i = 1; i < blocks.length; i++) {
      ok += blocks[i] == blocks[i - 1] + 1 ? 1 : 0;
    }
    return blocks.length < 2 ? 1 : ok / (double) (blocks.length - 1);
  }

  @Test
  void windowsKeepInterleavedAppendsInRunsOfAtLeastTheWindow() {
    Ext2Fixture fx = Ext2Fixture.small();
    long[] r = interleave(fx, 200);
    assertTrue(r[2] >= BlockAllocator.DEFAULT_RESERVE_BLOCKS,
        "shortest extent " + r[2] + " blocks");
    assertTrue(r[0] < 200 / 8 && r[1] < 200 / 8, "extents a=" + r[0] + " b=" + r[1]);
    assertTrue(fx.sb.counters().get("rsv_windows_grown") > 0, "windows doubled");
  }

  @Test
  void withoutWindowsInterleavedAppendsInterleaveBlocks() {
    Ext2Fixture fx = new Ext2Fixture(16L << 20, 4096, false, "", "noreservation");
    long[] r = interleave(fx, 200);
    assertTrue(r[0] >= 190 && r[1] >= 190, "extents a=" + r[0] + " b=" + r[1]);
    assertEquals(0, fx.sb.counters().get("rsv_windows_opened"));
  }

  @Test
  void windowSizeOptionSetsTheFirstWindow() {
    Ext2Fixture fx = new Ext2Fixture(16L << 20, 4096, false, "", "reservation_window=32");
    long[] r = interleave(fx, 64);
    assertTrue(r[2] >= 32, "shortest extent " + r[2]);
  }

  /**
   * The measurement for the report: a 64 MiB file appended 4 KiB at a time, interleaved with a
   * second file, with and without reservation windows, on a dataless device.
   */
  @Test
  void sixtyFourMebibytesInterleavedWithAndWithoutWindows() {
    int appends = (64 << 20) / PAGE;
    long[] with = interleave(new Ext2Fixture(256L << 20, 4096, true, "", ""), appends);
    long[] without = interleave(
        new Ext2Fixture(256L << 20, 4096, true, "", "noreservation"), appends);
    System.out.printf("ext2ish 64 MiB interleaved appends: windows a=%d b=%d fiemap extents"
        + " (a=%d b=%d runs across indirect blocks, shortest %d blocks, layout %.3f/%.3f);"
        + " noreservation a=%d b=%d fiemap extents (layout %.3f/%.3f)%n",
        with[0], with[1], with[3], with[4], with[2], with[5] / 1000.0, with[6] / 1000.0,
        without[0], without[1], without[5] / 1000.0, without[6] / 1000.0);
    assertTrue(with[0] * 50 < without[0] && with[1] * 50 < without[1],
        "windows give far fewer extents");
    assertTrue(without[0] > appends * 9L / 10, "without windows nearly every append is an extent");
  }

  @Test
  void windowsNeverOverlapAndGoAwayOnCloseAndTruncate() {
    Ext2Fixture fx = Ext2Fixture.small();
    int[] fds = new int[5];
    for (int i = 0; i < fds.length; i++) {
      fds[i] = fx.create("f" + i);
    }
    for (int round = 0; round < 40; round++) {
      for (int fd : fds) {
        fx.sys.writeBytes(fd, new byte[PAGE]);
      }
    }
    assertEquals(5, fx.sb.counters().get("rsv_windows_live"));
    fx.assertFsckClean();
    fx.sys.ftruncate(fds[0], PAGE);
    assertEquals(4, fx.sb.counters().get("rsv_windows_live"));
    for (int fd : fds) {
      fx.sys.close(fd);
    }
    assertEquals(0, fx.sb.counters().get("rsv_windows_live"));
    fx.assertFsckClean();
  }

  @Test
  void directoriesSpreadAndFilesFollowTheirDirectory() {
    // 4 groups of 8192 blocks.
    Ext2Fixture fx = new Ext2Fixture(128L << 20, 4096, true, "blocks_per_group=8192", "");
    Geometry geo = fx.sb.geo;
    int[] perGroup = new int[geo.groups];
    for (int i = 1; i <= 8; i++) {
      fx.sys.mkdir("/mnt/d" + i, 0755);
      perGroup[geo.inodeGroup(fx.sys.stat("/mnt/d" + i).ino())]++;
    }
    int used = 0;
    for (int g = 0; g < geo.groups; g++) {
      used += perGroup[g] > 0 ? 1 : 0;
      assertTrue(perGroup[g] <= 3, "group " + g + " got " + perGroup[g] + " of 8 directories");
    }
    assertTrue(used >= 3, "directories spread over " + used + " groups");
    int fd = fx.sys.open("/mnt/d2/file", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    fx.sys.writeBytes(fd, new byte[PAGE]);
    long dirIno = fx.sys.stat("/mnt/d2").ino();
    long fileIno = fx.sys.stat("/mnt/d2/file").ino();
    assertEquals(geo.inodeGroup(dirIno), geo.inodeGroup(fileIno));
    long block = fx.fiemap(fd).get(0).physical() / PAGE;
    assertEquals(geo.inodeGroup(fileIno), geo.groupOf(block), "data in the inode's group");
    fx.assertFsckClean();
  }
}
