package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.Configuration;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

/** The on-disk format: block sizes, bmbt conversion, block directories, busy extents. */
@ExtendWith(LockValidatorExtension.class)
class OnDiskFormatTest {
  private static final int PAGE = 4096;

  private static XfsFixture fixture(int bs) {
    return new XfsFixture(Configuration.defaults(), 64L << 20, false, "", "", bs);
  }

  private static void powerCut(XfsFixture f) {
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    f.current();
  }

  /** mkfs, files and directories, sync, a remount from the device alone: all there, fsck clean. */
  @ParameterizedTest(name = "{0}-byte blocks")
  @ValueSource(ints = {512, 1024, 2048, 4096})
  void mkfsAndMountRoundTrip(int bs) {
    XfsFixture f = fixture(bs);
    f.sys.mkdir("/mnt/d", 0755);
    for (int i = 0; i < 150; i++) {
      int fd = f.sys.open("/mnt/d/file-with-a-longish-name-" + i,
          Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
      f.sys.pwriteBytes(fd, XfsFixture.pattern(100 + i * 37, i), 0);
      f.sys.close(fd);
    }
    f.sys.sync();
    XfsInode d = (XfsInode) f.sys.inode("/mnt/d");
    assertNotNull(d.dir, "150 entries do not fit in the inode: a block directory");
    powerCut(f);
    f.check();
    assertEquals(150, f.sys.readdir("/mnt/d").size());
    for (int i = 0; i < 150; i++) {
      int fd = f.sys.open("/mnt/d/file-with-a-longish-name-" + i, Fcntl.O_RDONLY);
      assertArrayEquals(XfsFixture.pattern(100 + i * 37, i), f.sys.preadBytes(fd, 100 + i * 37,
          0));
      f.sys.close(fd);
    }
  }

  /**
   * A file whose extents outgrow the inode gets a bmbt whose blocks take space (what the indlen
   * reservation was for); it shrinks back into the inode when the extents go.
   */
  @ParameterizedTest(name = "{0}-byte blocks")
  @ValueSource(ints = {512, 1024, 4096})
  void extentsOutgrowingTheInodeMoveToABmbtWhoseBlocksAreAccounted(int bs) {
    XfsFixture f = fixture(bs);
    int fd = f.create("frag");
    // At 512-byte blocks 400 records need a three-level bmbt (13 root entries of 29-record
    // leaves hold 377).
    int extents = bs == 512 ? 400 : bs == 1024 ? 300 : 60;
    for (int i = extents - 1; i >= 0; i--) {
      // One page every other page, from the end back (no EOF preallocation between them),
      // each written out on its own: each is its own extent.
      f.sys.pwriteBytes(fd, XfsFixture.pattern(bs, i), 2L * i * PAGE);
      f.sys.fsync(fd);
    }
    XfsInode ip = f.inode("frag");
    int records = ip.forkRecords();
    assertTrue(records >= extents, records + " records");
    long needed = Btree.blocksNeeded(Btree.BMAP, bs, records, InodeBuf.BMDR_ENTRIES);
    assertEquals(needed, ip.bmbt.size(), "bmbt blocks");
    assertTrue(needed >= (bs == 4096 ? 1 : 5), "needed " + needed);
    long dataBlocks = ip.realBlocks();
    f.check();
    powerCut(f);
    f.check();
    ip = f.inode("frag");
    assertEquals(needed, ip.bmbt.size());
    assertEquals(dataBlocks, ip.realBlocks());
    int r = f.sys.open("/mnt/frag", Fcntl.O_RDWR);
    for (int i = 0; i < extents; i += 17) {
      assertArrayEquals(XfsFixture.pattern(bs, i), f.sys.preadBytes(r, bs, 2L * i * PAGE));
    }
    f.sys.ftruncate(r, 2L * 5 * PAGE);
    f.sys.fsync(r);
    assertEquals(0, f.inode("frag").bmbt.size(), "5 extents fit in the inode again");
    powerCut(f);
    f.check();
    assertEquals(0, f.inode("frag").bmbt.size());
  }

  /**
   * Busy extents: blocks a truncate freed are not given to another file's data before the
   * truncate is on disk; a power cut before that leaves the first file's fsynced data intact.
   */
  @Test
  void freedBlocksAreNotReusedBeforeTheFreeingIsOnDisk() {
    XfsFixture f = new XfsFixture(Configuration.defaults(), 64L << 20, false, "agcount=1", "",
        4096);
    int a = f.create("a");
    byte[] data = XfsFixture.pattern(16 * PAGE, 1);
    f.sys.pwriteBytes(a, data, 0);
    f.sys.fsync(a);
    Set<Long> aBlocks = new HashSet<>();
    for (FiemapExtent e : f.inode("a").fiemap(f.m.kernelTask(), 0, Long.MAX_VALUE)) {
      for (long p = e.physical(); p < e.physical() + e.length(); p += PAGE) {
        aBlocks.add(p / PAGE);
      }
    }
    int b = f.create("b");
    f.sys.fsync(b);
    f.sys.ftruncate(a, 0); // frees a's blocks; not on disk yet
    assertTrue(f.sb.busy.blocks() > 0, "the freed blocks are busy");
    f.sys.pwriteBytes(b, XfsFixture.pattern(16 * PAGE, 2), 0);
    // b's data goes to disk now (writeback, no log force).
    f.m.pageCache().writeAndWait(f.m.kernelTask(), f.inode("b").mapping(), 0, Long.MAX_VALUE);
    List<FiemapExtent> bMap = f.inode("b").fiemap(f.m.kernelTask(), 0, Long.MAX_VALUE);
    for (FiemapExtent e : bMap) {
      for (long p = e.physical(); p < e.physical() + e.length(); p += PAGE) {
        assertTrue(!aBlocks.contains(p / PAGE), "b got a's busy block " + p / PAGE);
      }
    }
    f.dev.setPowerCutPolicy(org.vfsim.block.PowerCutPolicy.KEEP_ALL);
    powerCut(f);
    f.check();
    int r = f.sys.open("/mnt/a", Fcntl.O_RDONLY);
    assertArrayEquals(data, f.sys.preadBytes(r, data.length, 0), "a's fsynced data");
  }

  /**
   * What an fsync writes does not grow with the filesystem: the log blocks of 50 files
   * created, written and fsynced are the same after 200 files as after 3,000 (the interim
   * whole-image format wrote all of them every time).
   */
  @Test
  void anFsyncCostsWhatItMakesDurableNotWhatTheFilesystemHolds() {
    XfsFixture f = new XfsFixture(Configuration.defaults(), 1L << 30, true, "", "", 4096);
    byte[] data = XfsFixture.pattern(16 << 10, 1);
    long[] perBatch = new long[2];
    int made = 0;
    for (int round = 0; round < 2; round++) {
      int upTo = round == 0 ? 200 : 3000;
      for (; made < upTo; made++) {
        int fd = f.create("d" + made / 1000 + "-" + made);
        f.sys.pwriteBytes(fd, data, 0);
        f.sys.fsync(fd);
        f.sys.close(fd);
      }
      long before = f.sb.log.blocksWritten();
      long metaBefore = f.dev.counters().metadataBlocksWritten();
      for (int i = 0; i < 50; i++, made++) {
        int fd = f.create("d" + made / 1000 + "-" + made);
        f.sys.pwriteBytes(fd, data, 0);
        f.sys.fsync(fd);
        f.sys.close(fd);
      }
      perBatch[round] = f.sb.log.blocksWritten() - before;
      long meta = f.dev.counters().metadataBlocksWritten() - metaBefore;
      System.out.printf("after %d files: 50 fsyncs wrote %d log blocks, %d metadata blocks%n",
          upTo, perBatch[round], meta);
    }
    assertTrue(perBatch[1] <= perBatch[0] * 1.25, perBatch[0] + " then " + perBatch[1]);
    f.check();
  }

  /** fsync of a file whose changes are all in the log already writes no log block. */
  @Test
  void fsyncOfAnInodeAlreadyLoggedPaysNothing() {
    XfsFixture f = fixture(4096);
    int a = f.create("a");
    f.sys.pwriteBytes(a, XfsFixture.pattern(PAGE, 1), 0);
    f.sys.fsync(a);
    int b = f.create("b");
    f.sys.pwriteBytes(b, XfsFixture.pattern(PAGE, 2), 0);
    long before = f.sb.log.blocksWritten();
    f.sys.fsync(a);
    assertEquals(before, f.sb.log.blocksWritten(), "a has nothing left to log");
    f.sys.fsync(b);
    assertTrue(f.sb.log.blocksWritten() > before, "b's changes are logged");
  }
}
