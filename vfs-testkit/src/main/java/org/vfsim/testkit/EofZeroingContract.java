package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.vfsim.fs.Capability;
import org.vfsim.syscall.Fcntl;

/**
 * Contract cases for the bytes of the EOF page past EOF: a store through a shared mapping may
 * put bytes there (no SIGBUS inside the EOF page), but they are not file data, so when the file
 * grows (truncate up, a write further on, fallocate) they read as zeros, in the page cache and
 * after writeback and eviction ({@code pagecache_isize_extended}, with recent kernels' zeroing).
 */
public abstract class EofZeroingContract extends ContractFixture {
  private enum Growth { TRUNCATE_UP, WRITE_PAST_EOF, FALLOCATE }

  private void storePastEofThenGrow(Growth how) {
    int fd = create("f-" + how);
    sys.pwriteBytes(fd, pattern(PAGE / 2, 5), 0);
    long addr = sys.mmap(0, PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    sys.store(addr + PAGE / 2 + 100, fill(200, 0x77)); // past EOF, inside the EOF page
    sys.munmap(addr, PAGE);
    switch (how) {
      case TRUNCATE_UP -> sys.ftruncate(fd, 3L * PAGE);
      case WRITE_PAST_EOF -> sys.pwriteBytes(fd, pattern(100, 6), 2L * PAGE);
      case FALLOCATE -> sys.fallocate(fd, 0, 0, 3L * PAGE);
    }
    byte[] zeros = new byte[PAGE / 2];
    assertArrayEquals(zeros, sys.preadBytes(fd, PAGE / 2, PAGE / 2),
        "bytes stored past EOF are zeros once the file grows over them (" + how + ")");
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(zeros, sys.preadBytes(fd, PAGE / 2, PAGE / 2),
        "and on disk too, after writeback and eviction (" + how + ")");
    assertArrayEquals(pattern(PAGE / 2, 5), sys.preadBytes(fd, PAGE / 2, 0));
    sys.close(fd);
  }

  @Test
  public void storesPastEofReadAsZerosAfterTruncateUp() {
    storePastEofThenGrow(Growth.TRUNCATE_UP);
  }

  @Test
  public void storesPastEofReadAsZerosAfterAWriteFurtherOn() {
    storePastEofThenGrow(Growth.WRITE_PAST_EOF);
  }

  @Test
  public void storesPastEofReadAsZerosAfterFallocate() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        filesystem().type().has(Capability.FALLOCATE), "no fallocate");
    storePastEofThenGrow(Growth.FALLOCATE);
  }
}
