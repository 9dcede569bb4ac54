package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.fill;
import static org.vfsim.testkit.ContractFixture.pattern;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's truncate cases: bytes past a cut read as zeros when the file grows again,
 * mapped pages past the new EOF fault and the EOF page's tail is zeroed, {@code O_TRUNC}.
 */
interface TruncateContract extends ContractCase {
  @Test
  default void truncateDownThenUpReadsZerosPastTheCut() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, fill(3 * PAGE, 0xaa), 0);
    sys.fsync(fd); // blocks allocated, so truncate has blocks to free
    sys.ftruncate(fd, 5000);
    assertEquals(5000, sys.fstat(fd).size());
    Invariants.assertClean(fs);
    sys.ftruncate(fd, 3 * PAGE);
    byte[] back = sys.preadBytes(fd, 3 * PAGE, 0);
    assertArrayEquals(fill(5000, 0xaa), Arrays.copyOf(back, 5000));
    assertArrayEquals(new byte[3 * PAGE - 5000], Arrays.copyOfRange(back, 5000, 3 * PAGE));
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(back, sys.preadBytes(fd, 3 * PAGE, 0), "the same after writeback");
    sys.close(fd);
  }

  @Test
  default void truncateWithMappedPagesFaultsPastEofAndZeroesTheTail() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    sys.pwriteBytes(fd, fill(3 * PAGE, 0x77), 0);
    long map = sys.mmap(0, 3L * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertArrayEquals(fill(3 * PAGE, 0x77), sys.load(map, 3 * PAGE));
    sys.ftruncate(fd, 100);
    assertErrno(Errno.EFAULT, () -> sys.load(map + PAGE, 1));
    assertErrno(Errno.EFAULT, () -> sys.store(map + 2L * PAGE, new byte[1]));
    byte[] first = sys.load(map, PAGE);
    assertArrayEquals(fill(100, 0x77), Arrays.copyOf(first, 100));
    assertArrayEquals(new byte[PAGE - 100], Arrays.copyOfRange(first, 100, PAGE),
        "the page straddling EOF is zeroed past it");
    sys.ftruncate(fd, 2L * PAGE);
    assertArrayEquals(new byte[PAGE], sys.load(map + PAGE, PAGE), "extended range maps zeros");
    sys.munmap(map, 3L * PAGE);
    sys.close(fd);
  }

  @Test
  default void openWithOTruncEmptiesTheFile() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    sys.close(fd);
    int t = sys.open(fs.path("f"), Fcntl.O_RDWR | Fcntl.O_TRUNC);
    assertEquals(0, sys.fstat(t).size());
    sys.ftruncate(t, PAGE);
    assertArrayEquals(new byte[PAGE], sys.preadBytes(t, PAGE, 0));
    sys.close(t);
  }
}
