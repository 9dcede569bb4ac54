package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** What fsync, sync and unmount stored is what a mount after a power cut finds. */
@ExtendWith(LockValidatorExtension.class)
class PowerCutTest {
  private static final int PAGE = 4096;

  @Test
  void fsyncedFileSurvivesAndUnsyncedCreateDoesNot() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("durable");
    byte[] data = Ext2Fixture.pattern(10 * PAGE + 123, 1);
    fx.sys.writeBytes(fd, data);
    fx.sys.fsync(fd);
    int other = fx.create("lost");
    fx.sys.writeBytes(other, Ext2Fixture.pattern(PAGE, 2));
    fx.machine.powerCut();
    fx.afterPowerCut();
    fx.assertFsckClean();
    int back = fx.sys.open("/mnt/durable", Fcntl.O_RDONLY);
    assertEquals(data.length, fx.sys.fstat(back).size());
    assertArrayEquals(data, fx.sys.preadBytes(back, data.length, 0));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.sys.open("/mnt/lost", Fcntl.O_RDONLY));
    assertEquals(Errno.ENOENT, e.errno());
  }

  @Test
  void syncMakesEverythingDurableAndLaterChangesAreLost() {
    Ext2Fixture fx = new Ext2Fixture(16L << 20, 1024, false, "", "");
    fx.sys.mkdir("/mnt/dir", 0755);
    int fd = fx.sys.open("/mnt/dir/f", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    byte[] data = Ext2Fixture.pattern(3 * PAGE + 7, 3);
    fx.sys.writeBytes(fd, data);
    fx.sys.sync();
    long freeAtSync = fx.freeBlocks();
    // Allocates blocks that only the in-core bitmaps know: lost with the power cut. (A
    // truncate would not do: it writes the shrunk inode at once, see writeInodeDurably.)
    fx.sys.pwriteBytes(fd, Ext2Fixture.pattern(5 * PAGE, 4), data.length);
    fx.machine.powerCut();
    fx.afterPowerCut();
    fx.assertFsckClean();
    assertEquals(freeAtSync, fx.freeBlocks());
    int back = fx.sys.open("/mnt/dir/f", Fcntl.O_RDONLY);
    assertArrayEquals(data, fx.sys.preadBytes(back, data.length + 5 * PAGE, 0));
    // The remounted filesystem works: allocate, write and check again.
    int w = fx.sys.open("/mnt/dir/g", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    fx.sys.writeBytes(w, data);
    fx.sys.fsync(w);
    fx.assertFsckClean();
    assertTrue(fx.sb.counters().get("superblock_writes") >= 1);
  }

  @Test
  void unmountStoresAndMountReadsBack() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    byte[] data = Ext2Fixture.pattern(5 * PAGE, 5);
    fx.sys.writeBytes(fd, data);
    fx.sys.close(fd);
    long free = fx.freeBlocks();
    fx.sys.umount("/mnt");
    fx.sb = (Ext2ishSuperBlock) fx.machine.mount(fx.type, fx.dev, "", "/mnt");
    fx.assertFsckClean();
    assertEquals(free, fx.freeBlocks());
    int back = fx.sys.open("/mnt/f", Fcntl.O_RDONLY);
    assertArrayEquals(data, fx.sys.preadBytes(back, data.length, 0));
  }

  /**
   * Another file's fsync stores the image with this file's truncated size, but the zeroed tail
   * of its EOF block never reached the disk: after the power cut neither a read nor an extension
   * may show the old bytes past EOF. (Found by the fsx model checker.)
   */
  @Test
  void staleBytesPastEofAfterAPowerCutAreNeverExposed() {
    Ext2Fixture fx = Ext2Fixture.small();
    int a = fx.create("a");
    fx.sys.writeBytes(a, Ext2Fixture.pattern(2 * PAGE, 6));
    fx.sys.sync();
    fx.sys.ftruncate(a, 5000);
    int b = fx.create("b");
    fx.sys.writeBytes(b, new byte[10]);
    fx.sys.fsync(b);
    fx.machine.powerCut();
    fx.afterPowerCut();
    int back = fx.sys.open("/mnt/a", Fcntl.O_RDWR);
    assertEquals(5000, fx.sys.fstat(back).size());
    fx.sys.ftruncate(back, 2 * PAGE);
    byte[] expect = new byte[2 * PAGE];
    System.arraycopy(Ext2Fixture.pattern(2 * PAGE, 6), 0, expect, 0, 5000);
    assertArrayEquals(expect, fx.sys.preadBytes(back, 2 * PAGE, 0));
    fx.assertFsckClean();
  }

  @Test
  void aWriteBeyondEofAfterAPowerCutLeavesZerosInTheGap() {
    Ext2Fixture fx = Ext2Fixture.small();
    int a = fx.create("a");
    fx.sys.writeBytes(a, Ext2Fixture.pattern(2 * PAGE, 7));
    fx.sys.sync();
    fx.sys.ftruncate(a, 5000);
    int b = fx.create("b");
    fx.sys.fsync(b);
    fx.machine.powerCut();
    fx.afterPowerCut();
    int back = fx.sys.open("/mnt/a", Fcntl.O_RDWR);
    fx.sys.pwriteBytes(back, new byte[] {1, 2, 3}, 6000);
    byte[] expect = new byte[6003];
    System.arraycopy(Ext2Fixture.pattern(2 * PAGE, 7), 0, expect, 0, 5000);
    expect[6000] = 1;
    expect[6001] = 2;
    expect[6002] = 3;
    assertArrayEquals(expect, fx.sys.preadBytes(back, 6003, 0));
  }

  /**
   * A freed file's blocks go to a new file whose data never reaches the disk, but another file's
   * fsync stores the image that maps them: after the power cut the new file reads zeros, not the
   * freed file's bytes (the stale blocks were discarded when reallocated).
   */
  @Test
  void reallocatedBlocksNeverShowTheOldOwnersBytes() {
    Ext2Fixture fx = Ext2Fixture.small();
    int a = fx.create("a");
    fx.sys.writeBytes(a, Ext2Fixture.pattern(4 * PAGE, 8));
    fx.sys.close(a);
    fx.sys.sync();
    long[] aBlocks = fx.blocksOf("a");
    fx.sys.unlink("/mnt/a");
    int b = fx.create("b");
    fx.sys.writeBytes(b, Ext2Fixture.pattern(4 * PAGE, 9));
    assertEquals(aBlocks[0], fx.blocksOf("b")[0], "b reuses a's blocks");
    assertEquals(4, fx.sb.counters().get("blocks_discarded"));
    // b's inode reaches the disk before its data (as a write_inode racing writeback could);
    // c's fsync makes the directory block naming b durable.
    Ext2ishInode bi = (Ext2ishInode) fx.machine.vfs().resolve("/mnt/b");
    bi.syncRecord();
    fx.sb.writeInodeMetadata(bi.rec);
    int c = fx.create("c");
    fx.sys.fsync(c);
    fx.machine.powerCut();
    fx.afterPowerCut();
    fx.assertFsckClean();
    int back = fx.sys.open("/mnt/b", Fcntl.O_RDONLY);
    assertEquals(4 * PAGE, fx.sys.fstat(back).size());
    assertArrayEquals(new byte[4 * PAGE], fx.sys.preadBytes(back, 4 * PAGE, 0));
  }

  @Test
  void anOpenUnlinkedFileIsFreedAtTheNextMount() {
    Ext2Fixture fx = Ext2Fixture.small();
    long free0 = fx.freeBlocks();
    int a = fx.create("a");
    fx.sys.writeBytes(a, new byte[20 * PAGE]);
    fx.sys.unlink("/mnt/a");
    fx.sys.fsync(a); // the image now holds an inode with no links
    fx.machine.powerCut();
    fx.afterPowerCut();
    fx.assertFsckClean();
    assertEquals(free0, fx.freeBlocks());
    // Inodes 1-10 are reserved and lost+found is 11.
    assertEquals(fx.sb.geo.inodesCount() - Geometry.FIRST_INO, fx.sb.statfs().ffree());
  }

  /**
   * With 2 KiB blocks: after a power cut the EOF block on disk holds stale bytes past EOF; a
   * write further into the same page must rewrite that block with zeros past the old EOF, or the
   * next power cut shows the stale bytes inside the file. (Found by the fsx model checker.)
   */
  @Test
  void aWriteInTheEofPageRewritesTheOldEofBlock() {
    Ext2Fixture fx = new Ext2Fixture(8L << 20, 2048, false, "", "");
    int a = fx.create("a");
    fx.sys.writeBytes(a, Ext2Fixture.pattern(PAGE, 10));
    fx.sys.sync();
    fx.sys.ftruncate(a, 1000);
    int b = fx.create("b");
    fx.sys.fsync(b);
    fx.machine.powerCut();
    fx.afterPowerCut();
    int back = fx.sys.open("/mnt/a", Fcntl.O_RDWR);
    assertEquals(1000, fx.sys.preadBytes(back, PAGE, 0).length);
    fx.sys.pwriteBytes(back, new byte[] {5, 6}, 3000); // block 1 of the same page
    fx.sys.fsync(back);
    fx.machine.powerCut();
    fx.afterPowerCut();
    int again = fx.sys.open("/mnt/a", Fcntl.O_RDONLY);
    byte[] expect = new byte[3002];
    System.arraycopy(Ext2Fixture.pattern(PAGE, 10), 0, expect, 0, 1000);
    expect[3000] = 5;
    expect[3001] = 6;
    assertArrayEquals(expect, fx.sys.preadBytes(again, 3002, 0));
    fx.assertFsckClean();
  }
}
