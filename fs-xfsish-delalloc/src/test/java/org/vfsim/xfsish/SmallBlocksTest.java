package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.Configuration;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

/** xfsish with blocks smaller than a page: several blocks per page cache page. */
@ExtendWith(LockValidatorExtension.class)
class SmallBlocksTest {
  static final int PAGE = 4096;

  private static XfsFixture fixture(int bs) {
    return new XfsFixture(Configuration.defaults(), 64L << 20, false, "", "", bs);
  }

  /**
   * In an unwritten extent only cached pages hold data: SEEK_DATA and SEEK_HOLE must look up
   * the page of each block (page = block * bs / 4096), not the page whose index is the block's.
   */
  @ParameterizedTest(name = "{0}-byte blocks")
  @ValueSource(ints = {1024, 2048})
  void seekInAnUnwrittenExtentFindsTheDirtyPage(int bs) {
    XfsFixture f = fixture(bs);
    int fd = f.create("u");
    f.sys.fallocate(fd, 0, 0, 4 * PAGE);
    assertEquals(4L * PAGE, f.sys.fstat(fd).size());
    f.sys.pwriteBytes(fd, XfsFixture.pattern(100, 1), 2 * PAGE + 10);
    assertEquals(2L * PAGE, f.sys.lseek(fd, 0, Fcntl.SEEK_DATA), "the dirty page is the data");
    assertEquals(3L * PAGE, f.sys.lseek(fd, 2 * PAGE, Fcntl.SEEK_HOLE), "the page after it is not");
    assertEquals(0L, f.sys.lseek(fd, 0, Fcntl.SEEK_HOLE));
    f.check();
  }

  /** Writes that start and end inside pages, read back after the cache is dropped. */
  @ParameterizedTest(name = "{0}-byte blocks")
  @ValueSource(ints = {1024, 2048})
  void subPageWritesRoundTripThroughTheDevice(int bs) {
    XfsFixture f = fixture(bs);
    int fd = f.create("s");
    byte[] a = XfsFixture.pattern(3 * PAGE + 100, 2);
    f.sys.pwriteBytes(fd, a, bs + 7);
    byte[] b = XfsFixture.pattern(bs / 2, 3);
    f.sys.pwriteBytes(fd, b, 20 * PAGE + bs); // past a hole: one block in the middle of a page
    f.sys.fsync(fd);
    f.check();
    f.m.pageCache().dropCleanPages();
    assertArrayEquals(a, f.sys.preadBytes(fd, a.length, bs + 7));
    assertArrayEquals(b, f.sys.preadBytes(fd, b.length, 20 * PAGE + bs));
    assertArrayEquals(new byte[bs], f.sys.preadBytes(fd, bs, 20 * PAGE),
        "the hole block before it in the same page reads as zeros");
    // The page holding the lone block maps only the blocks written: the hole stays a hole.
    long mapped = f.inode("s").realBlocks();
    long want = (bs + 7 + a.length + bs - 1) / bs - 1 + (b.length + bs - 1) / bs;
    assertEquals(want, mapped, "blocks mapped");
    f.check();
  }
}
