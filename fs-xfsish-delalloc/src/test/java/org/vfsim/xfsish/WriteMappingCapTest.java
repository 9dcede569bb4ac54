package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * {@code xfs_buffered_write_iomap_begin} maps at most 1024 pages of a buffered write at a time:
 * a write larger than the free space writes what the first chunks reserve, and the chunk that
 * does not fit gets ENOSPC. Both write paths must agree with XFS.
 */
@ExtendWith(LockValidatorExtension.class)
class WriteMappingCapTest {
  static final int BS = 4096;

  /** A filesystem with exactly {@code free} free blocks, the rest taken by a fallocated file. */
  private static XfsFixture withFreeBlocks(String mountOpts, long free) {
    XfsFixture f = new XfsFixture(64L << 20, false, "agcount=1", mountOpts);
    int fd = f.create("filler");
    long take = f.sb.fdblocks() - free;
    f.sys.fallocate(fd, 0, 0, take * BS);
    f.sys.close(fd);
    assertEquals(free, f.sb.fdblocks(), "free blocks before the write");
    return f;
  }

  @ParameterizedTest(name = "mount \"{0}\"")
  @ValueSource(strings = {"", "write_path=generic"})
  void twoThousandPagesIntoFifteenHundredFreeBlocksWriteTheFirstFourMib(String mountOpts) {
    XfsFixture f = withFreeBlocks(mountOpts, 1500);
    int fd = f.create("big");
    byte[] data = XfsFixture.pattern(2000 * BS, 3);
    long n = f.sys.pwriteBytes(fd, data, 0);
    assertEquals(4L << 20, n, "the first 1024-page mapping fits, the second does not");
    assertEquals(4L << 20, f.sys.fstat(fd).size());
    f.check();
    byte[] rest = java.util.Arrays.copyOfRange(data, (int) n, data.length);
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwriteBytes(fd, rest, n));
    assertEquals(Errno.ENOSPC, e.errno());
    assertEquals(4L << 20, f.sys.fstat(fd).size(), "the failed write wrote nothing");
    f.sys.fsync(fd);
    f.m.pageCache().dropCleanPages();
    assertArrayEquals(java.util.Arrays.copyOf(data, (int) n), f.sys.preadBytes(fd, (int) n, 0));
    f.check();
  }

  /**
   * The preallocation past a long extending write is aligned from the capped end: a 4 MiB +
   * 8 KiB write at 64 KiB after a 64 KiB extent maps blocks 16..1040 plus 32 blocks of
   * preallocation rounded to the 64 KiB boundary after the chunk's end (block 1056), not after
   * the write's end (block 1072).
   */
  @ParameterizedTest(name = "mount \"{0}\"")
  @ValueSource(strings = {"", "write_path=generic"})
  void preallocationIsAlignedFromTheCappedEnd(String mountOpts) {
    XfsFixture f = new XfsFixture(64L << 20, false, "agcount=1", mountOpts);
    int fd = f.create("p");
    f.sys.pwriteBytes(fd, XfsFixture.pattern(16 * BS, 1), 0);
    f.sys.fsync(fd);
    assertEquals(0, f.inode("p").delayedBlocks());
    f.sys.pwriteBytes(fd, XfsFixture.pattern((4 << 20) + 2 * BS, 2), 16 * BS);
    assertEquals(1056 - 16, f.inode("p").delayedBlocks(),
        "delalloc from block 16 to the aligned end of the first 1024-page chunk plus 32");
    f.check();
  }
}
