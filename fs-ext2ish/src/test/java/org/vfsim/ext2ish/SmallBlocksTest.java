package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;

/**
 * Blocks smaller than a page: {@code block_write_begin} zeroes the parts of new blocks a write
 * does not cover and reads the mapped blocks it covers only in part; contents survive a drop of
 * the page cache.
 */
@ExtendWith(LockValidatorExtension.class)
class SmallBlocksTest {
  private static final int PAGE = 4096;

  /** A model of the file: what a correct filesystem must return. */
  private static void put(byte[] model, byte[] data, int at) {
    System.arraycopy(data, 0, model, at, data.length);
  }

  private static void check(Ext2Fixture fx, int fd, byte[] model, int size) {
    assertEquals(size, fx.sys.fstat(fd).size());
    assertArrayEquals(java.util.Arrays.copyOf(model, size), fx.sys.preadBytes(fd, size, 0));
    fx.sys.sync();
    fx.machine.pageCache().dropCleanPages();
    assertArrayEquals(java.util.Arrays.copyOf(model, size), fx.sys.preadBytes(fd, size, 0),
        "after sync and drop_caches");
    fx.assertFsckClean();
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 2048})
  void partialPageWritesZeroNewBlocksAndReadMappedOnes(int bs) {
    Ext2Fixture fx = new Ext2Fixture(8L << 20, bs, false, "", "");
    int fd = fx.create("f");
    byte[] model = new byte[4 * PAGE];
    // Inside block 0 of page 0: the rest of block 0 must read as zeros, not page poison.
    byte[] a = Ext2Fixture.pattern(200, 1);
    fx.sys.pwriteBytes(fd, a, 100);
    put(model, a, 100);
    check(fx, fd, model, 300);
    // The last block of page 0, leaving a hole in between.
    byte[] b = Ext2Fixture.pattern(50, 2);
    int atB = 2 * PAGE - bs + 10;
    fx.sys.pwriteBytes(fd, b, atB);
    put(model, b, atB);
    check(fx, fd, model, atB + 50);
    List<FiemapExtent> ext = fx.fiemap(fd);
    assertEquals(2, ext.size(), "the hole between the blocks is skipped: " + ext);
    assertEquals(bs, ext.get(0).length());
    // A page not in the cache, written in part of one mapped block: that block is read first.
    byte[] c = Ext2Fixture.pattern(10, 3);
    fx.sys.pwriteBytes(fd, c, 150);
    put(model, c, 150);
    check(fx, fd, model, atB + 50);
    // A write spanning pages and blocks, partly over mapped and partly over new blocks.
    byte[] d = Ext2Fixture.pattern(PAGE + 777, 4);
    fx.sys.pwriteBytes(fd, d, PAGE - 300);
    put(model, d, PAGE - 300);
    check(fx, fd, model, 2 * PAGE + 477);
    long blocks = fx.sys.fstat(fd).blocks() * 512 / bs;
    long expected = 0;
    for (long p : fx.blocksOf("f")) {
      expected += p != 0 ? 1 : 0;
    }
    assertEquals(expected, blocks, "st_blocks counts the mapped blocks");
    if (bs == 1024) {
      // Blocks 1 and 2 (bytes 1024..3072) were never written: still a hole.
      assertEquals(0, fx.blocksOf("f")[1], "the hole stayed a hole");
      assertEquals(0, fx.blocksOf("f")[2], "the hole stayed a hole");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 2048})
  void truncateZeroesTheTailOfTheLastBlock(int bs) {
    Ext2Fixture fx = new Ext2Fixture(8L << 20, bs, false, "", "");
    int fd = fx.create("f");
    fx.sys.pwriteBytes(fd, Ext2Fixture.pattern(3 * PAGE, 5), 0);
    fx.sys.sync();
    fx.machine.pageCache().dropCleanPages();
    fx.sys.ftruncate(fd, 1000);
    fx.sys.ftruncate(fd, 3 * PAGE);
    byte[] model = new byte[3 * PAGE];
    put(model, java.util.Arrays.copyOf(Ext2Fixture.pattern(3 * PAGE, 5), 1000), 0);
    check(fx, fd, model, 3 * PAGE);
  }
}
