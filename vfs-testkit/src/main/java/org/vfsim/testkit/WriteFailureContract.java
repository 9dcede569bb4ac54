package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vfsim.kernel.HookPoint;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Contract cases for writes that fail part-way and for page_mkwrite: a short copy over existing
 * data whose page was evicted, the cleanup after a write that failed, ENOSPC at page_mkwrite.
 * Extend it beside {@link FilesystemContract}, with the same {@link #filesystem()}.
 */
public abstract class WriteFailureContract extends ContractFixture {

  /** Evicts the clean pages of {@code fd}'s file; false when the filesystem cannot. */
  private boolean evict(int fd, int pages) {
    Mapping mapping = sys.file(fd).inode().mapping();
    boolean all = true;
    for (int i = 0; i < pages; i++) {
      all &= fs.machine().pageCache().reclaimPage(mapping, i) || mapping.lookup(i) == null;
    }
    return all;
  }

  /**
   * write_begin does not read a page the write covers whole; when the copy then comes up short
   * (the source's last page is unmapped), write_end must commit nothing into that page, which
   * is not uptodate, or the bytes past the copy are neither the old data nor the new.
   */
  @Test
  public void shortCopyOverAnEvictedPageKeepsTheOldBytes() {
    int fd = create("f");
    byte[] old = pattern(3 * PAGE, 1);
    sys.pwriteBytes(fd, old, 0);
    sys.fsync(fd);
    assumeTrue(evict(fd, 3), filesystem().type().name() + " cannot evict clean pages");
    long region = sys.mmapAnonymous(3L * PAGE);
    sys.munmap(region + 2L * PAGE, PAGE);
    byte[] data = pattern(2 * PAGE - 1000, 2);
    sys.store(region + 1000, data);
    long n = sys.pwrite(fd, region + 1000, 2L * PAGE, 0);
    assertEquals(data.length, n, "bytes up to the unmapped page");
    assertEquals(3L * PAGE, sys.fstat(fd).size());
    byte[] expect = old.clone();
    System.arraycopy(data, 0, expect, 0, data.length);
    byte[] back = sys.preadBytes(fd, 3 * PAGE, 0);
    int bad = Arrays.mismatch(expect, back);
    assertEquals(-1, bad, "byte " + bad + ": past a short copy the old bytes stay");
    sys.close(fd);
  }

  /**
   * A write past EOF that fails (its source vanishes between the fault-in and the copy) gives
   * back at once whatever write_begin took (the kernel's {@code *_write_failed}), not only at a
   * later truncate.
   */
  @Test
  public void aFailedWritePastEofGivesBackWhatItTook() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 3), 0);
    sys.fsync(fd);
    sys.sync();
    long before = usedBytes();
    long src = sys.mmapAnonymous(2L * PAGE);
    sys.store(src, pattern(2 * PAGE, 4));
    Syscalls other = fs.newThread("unmapper");
    fs.machine().hooks().once(HookPoint.AFTER_FAULT_IN, sys.task(),
        t -> other.munmap(src, 2L * PAGE));
    assertErrno(Errno.EFAULT, () -> sys.pwrite(fd, src, 2L * PAGE, 8L * PAGE));
    long size = sys.fstat(fd).size();
    // generic_write_end sets i_size to pos + copied even when nothing was copied, so the kernel
    // may leave the file extended to where the write started; it must not be longer.
    assertTrue(size == PAGE || size == 8L * PAGE, "size " + size + " after a failed write");
    sys.sync();
    assertTrue(usedBytes() <= before, "after a failed write and sync " + usedBytes()
        + " data bytes are in use, " + before + " before: the write's space was not given back");
    assertArrayEquals(pattern(PAGE, 3), sys.preadBytes(fd, PAGE, 0));
    sys.close(fd);
  }

  /**
   * ENOSPC in page_mkwrite is SIGBUS ({@code EFAULT} here): with the filesystem full, a store
   * into a hole of a shared mapping cannot be given space and must not go through.
   */
  @Test
  public void enospcAtPageMkwriteIsSigbus() {
    FilesystemUnderTest small = mountSmall();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 5), 0);
    sys.ftruncate(fd, 4L * PAGE); // pages 1-3 are a hole
    sys.fsync(fd);
    int filler = create("filler");
    long at = 0;
    for (int chunk : new int[] {1 << 20, PAGE}) {
      byte[] b = pattern(chunk, 6);
      while (at < 4 * small.deviceBytes()) {
        long n;
        try {
          n = sys.pwriteBytes(filler, b, at);
        } catch (ErrnoException e) {
          assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
          break;
        }
        at += n;
        if (n < chunk) {
          break;
        }
      }
    }
    long end = at;
    assertErrno(Errno.ENOSPC, () -> sys.pwriteBytes(filler, pattern(PAGE, 7), end + PAGE));
    long addr = sys.mmap(0, 4L * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> sys.store(addr + 2L * PAGE + 10, fill(10, 0x42)),
        "ENOSPC at page_mkwrite must be SIGBUS, but the store into a hole went through");
    assertEquals(Errno.EFAULT, e.errno(), e.getMessage());
    sys.munmap(addr, 4L * PAGE);
    assertArrayEquals(new byte[PAGE], sys.preadBytes(fd, PAGE, 2L * PAGE), "nothing stored");
    sys.close(fd);
    sys.close(filler);
  }
}
