package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FsckReport;
import org.vfsim.lockdep.LockValidatorExtension;

/** Every fsck rule catches a deliberately broken image. */
@ExtendWith(LockValidatorExtension.class)
class FsckCheckerTest {
  private static final int PAGE = 4096;

  private static Ext2Fixture withFile() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    fx.sys.writeBytes(fd, new byte[20 * PAGE]); // direct and single indirect
    fx.assertFsckClean();
    return fx;
  }

  private static void assertCaught(Ext2Fixture fx, String fragment) {
    FsckReport r = fx.sb.fsck();
    assertFalse(r.isClean(), "fsck missed the damage");
    assertTrue(r.toString().contains(fragment), () -> "expected '" + fragment + "' in " + r);
  }

  private static InodeRecord file(Ext2Fixture fx) {
    return ((Ext2ishInode) fx.machine.vfs().resolve("/mnt/f")).rec;
  }

  @Test
  void mappedBlockFreeInBitmap() {
    Ext2Fixture fx = withFile();
    long b = file(fx).data[0];
    int g = fx.sb.geo.groupOf(b);
    fx.sb.img.blockBitmap(g).clear((int) (b - fx.sb.geo.groupFirst(g)));
    assertCaught(fx, "free in the bitmap but mapped");
  }

  @Test
  void blockReferencedTwice() {
    Ext2Fixture fx = withFile();
    InodeRecord rec = file(fx);
    rec.data[1] = rec.data[0];
    assertCaught(fx, "referenced twice");
  }

  @Test
  void leakedBlockAndWrongFreeCount() {
    Ext2Fixture fx = withFile();
    long b = fx.sb.freeSpaceExtents().get(0)[0];
    int g = fx.sb.geo.groupOf(b);
    fx.sb.img.blockBitmap(g).set((int) (b - fx.sb.geo.groupFirst(g)));
    assertCaught(fx, "marked in use but referenced by no inode");
    assertCaught(fx, "free blocks counted");
  }

  @Test
  void blockPastEndOfFile() {
    Ext2Fixture fx = withFile();
    Ext2ishInode inode = (Ext2ishInode) fx.machine.vfs().resolve("/mnt/f");
    inode.setSize(PAGE); // i_size shrunk without freeing blocks
    assertCaught(fx, "mapped past EOF");
  }

  @Test
  void wrongIBlocks() {
    Ext2Fixture fx = withFile();
    file(fx).blocks++;
    assertCaught(fx, "i_blocks");
  }

  @Test
  void orphanIndirectBlock() {
    Ext2Fixture fx = withFile();
    fx.sb.img.indirect.put(12345L, new long[PAGE / 4]);
    assertCaught(fx, "belongs to no inode");
  }

  @Test
  void overlappingWindows() {
    Ext2Fixture fx = withFile();
    TreeMap<Long, ReservationWindow> windows = new TreeMap<>();
    ReservationWindow a = new ReservationWindow(20, 8);
    a.start = 100;
    a.end = 107;
    ReservationWindow b = new ReservationWindow(21, 8);
    b.start = 105;
    b.end = 112;
    windows.put(a.start, a);
    windows.put(b.start, b);
    FsckReport r = Fsck.check(fx.sb.img, fx.sb.map, windows);
    assertTrue(r.toString().contains("overlap"), r::toString);
    windows.remove(b.start);
    assertTrue(Fsck.check(fx.sb.img, fx.sb.map, windows).isClean());
  }

  @Test
  void inodeBitmapAndDirectoryCounts() {
    Ext2Fixture fx = withFile();
    fx.sb.img.usedDirs[0]++;
    assertCaught(fx, "directories counted");
    fx.sb.img.usedDirs[0]--;
    long ino = file(fx).ino;
    int g = fx.sb.geo.inodeGroup(ino);
    fx.sb.img.inodeBitmap(g).clear((int) ((ino - 1) % fx.sb.geo.inodesPerGroup));
    assertCaught(fx, "free in inode bitmap");
  }

  @Test
  void linkCountsAndDirectoryEntries() {
    Ext2Fixture fx = withFile();
    Ext2ishInode inode = (Ext2ishInode) fx.machine.vfs().resolve("/mnt/f");
    inode.setNlink(2);
    assertCaught(fx, "i_links_count 2, counted 1");
    inode.setNlink(1);
    InodeRecord root = ((Ext2ishInode) fx.sb.root()).rec;
    root.entries.put("ghost", new InodeRecord.DirSlot(9999, false, 0, 16));
    assertCaught(fx, "points at free inode");
    root.entries.remove("ghost");
    root.dirBlockUse.set(0, root.dirBlockUse.get(0) + 4);
    assertCaught(fx, "bytes of entries");
  }
}
