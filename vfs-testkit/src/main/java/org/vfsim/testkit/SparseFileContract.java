package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.allZeroUntil;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.fill;
import static org.vfsim.testkit.ContractFixture.pattern;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FallocMode;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's cases for sparse files and the space behind them: holes read as zeros,
 * {@code SEEK_DATA}/{@code SEEK_HOLE} agree with the contents, the fallocate(2) modes
 * (allocate, {@code KEEP_SIZE}, {@code PUNCH_HOLE}, {@code ZERO_RANGE}) and clone ranges
 * that share blocks and copy on write.
 */
interface SparseFileContract extends ContractCase {
  @Test
  default void holesReadAsZeros() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    sys.pwriteBytes(fd, pattern(100, 2), 1 << 20);
    assertEquals((1 << 20) + 100, sys.fstat(fd).size());
    assertArrayEquals(new byte[(1 << 20) - PAGE], sys.preadBytes(fd, (1 << 20) - PAGE, PAGE));
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(new byte[(1 << 20) - PAGE], sys.preadBytes(fd, (1 << 20) - PAGE, PAGE),
        "holes read as zeros from disk too");
    assertArrayEquals(pattern(100, 2), sys.preadBytes(fd, 100, 1 << 20));
    sys.close(fd);
  }

  @Test
  default void seekDataAndSeekHoleAgreeWithContents() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    long size = 3L << 20;
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    sys.pwriteBytes(fd, pattern(3 * PAGE, 2), 1 << 20);
    sys.pwriteBytes(fd, pattern(10, 3), size - 10);
    sys.fsync(fd);
    byte[] all = sys.preadBytes(fd, (int) size, 0);
    for (long off = 0; off < size; off += 12345) {
      long d = sys.lseek(fd, off, Fcntl.SEEK_DATA);
      long h = sys.lseek(fd, off, Fcntl.SEEK_HOLE);
      assertTrue(d >= off && d < size, "SEEK_DATA(" + off + ") = " + d);
      assertTrue(h >= off && h <= size, "SEEK_HOLE(" + off + ") = " + h);
      assertTrue(allZeroUntil(Arrays.copyOfRange(all, (int) off, (int) d), 0) == d - off,
          "SEEK_DATA(" + off + ") = " + d + " skipped over data");
      if (h < size) {
        assertEquals(0, all[(int) h], "SEEK_HOLE(" + off + ") = " + h + " is not in a hole");
      }
    }
    assertErrno(Errno.ENXIO, () -> sys.lseek(fd, size, Fcntl.SEEK_DATA));
    assertErrno(Errno.ENXIO, () -> sys.lseek(fd, size, Fcntl.SEEK_HOLE));
    assertEquals(size, sys.lseek(fd, size - 1, Fcntl.SEEK_HOLE), "EOF is a hole");
    sys.close(fd);
  }


  @Test
  default void fallocateAllocatesZerosAndKeepSizeKeepsTheSize() {
    Syscalls sys = mounted().sys();
    requires(Capability.FALLOCATE);
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, 8L * PAGE);
    assertEquals(PAGE, sys.fstat(fd).size(), "KEEP_SIZE");
    sys.fallocate(fd, 0, 2L * PAGE, 4L * PAGE);
    assertEquals(6L * PAGE, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 6 * PAGE, 0);
    assertArrayEquals(pattern(PAGE, 1), Arrays.copyOf(back, PAGE), "data kept");
    assertEquals(6 * PAGE, allZeroUntil(back, PAGE), "allocated range reads zeros");
    assertTrue(sys.fstat(fd).blocks() * 512 >= 6L * PAGE, "space is allocated: " + sys.fstat(fd));
    sys.close(fd);
  }

  @Test
  default void punchHoleZeroesTheRangeAndKeepsTheSize() {
    Syscalls sys = mounted().sys();
    requires(Capability.PUNCH_HOLE);
    int fd = create("f");
    sys.pwriteBytes(fd, fill(8 * PAGE, 0x42), 0);
    sys.fsync(fd);
    assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, FallocMode.PUNCH_HOLE, 0, PAGE));
    sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, 2L * PAGE + 100, 3L * PAGE);
    assertEquals(8L * PAGE, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 8 * PAGE, 0);
    for (int i = 0; i < back.length; i++) {
      boolean punched = i >= 2 * PAGE + 100 && i < 5 * PAGE + 100;
      assertEquals(punched ? 0 : 0x42, back[i], "byte " + i);
    }
    long h = sys.lseek(fd, 0, Fcntl.SEEK_HOLE);
    // With blocks smaller than a page the hole starts at the first whole punched block (as
    // iomap_seek_hole reports a hole mapping), which may lie inside a page.
    long bs = sys.fstatfs(fd).bsize();
    long firstWholeBlock = (2L * PAGE + 100 + bs - 1) / bs * bs;
    assertTrue(h == firstWholeBlock || h == 3L * PAGE || h == 8L * PAGE,
        "first hole at the whole punched block or page, or EOF: " + h);
    sys.close(fd);
  }

  @Test
  default void zeroRangeZeroesAndMayExtend() {
    Syscalls sys = mounted().sys();
    requires(Capability.ZERO_RANGE);
    int fd = create("f");
    sys.pwriteBytes(fd, fill(4 * PAGE, 0x42), 0);
    sys.fallocate(fd, FallocMode.ZERO_RANGE, 100, PAGE);
    sys.fallocate(fd, FallocMode.ZERO_RANGE | FallocMode.KEEP_SIZE, 3L * PAGE, 4L * PAGE);
    assertEquals(4L * PAGE, sys.fstat(fd).size());
    sys.fallocate(fd, FallocMode.ZERO_RANGE, 4L * PAGE, PAGE);
    assertEquals(5L * PAGE, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 5 * PAGE, 0);
    for (int i = 0; i < back.length; i++) {
      boolean zero = (i >= 100 && i < PAGE + 100) || i >= 3 * PAGE;
      assertEquals(zero ? 0 : 0x42, back[i], "byte " + i);
    }
    sys.close(fd);
  }

  @Test
  default void cloneRangeSharesDataAndCopiesOnWrite() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    requires(Capability.REFLINK);
    int a = create("a");
    int b = create("b");
    sys.pwriteBytes(a, pattern(4 * PAGE, 1), 0);
    sys.cloneRange(a, 0, b, 0, 4L * PAGE);
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(b, 4 * PAGE, 0));
    sys.pwriteBytes(a, fill(PAGE, 0x11), PAGE);
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(b, 4 * PAGE, 0),
        "a write to the source does not show in the clone");
    sys.fsync(a);
    sys.fsync(b);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(b, 4 * PAGE, 0));
    assertArrayEquals(fill(PAGE, 0x11), sys.preadBytes(a, PAGE, PAGE));
    sys.close(a);
    sys.close(b);
  }
}
