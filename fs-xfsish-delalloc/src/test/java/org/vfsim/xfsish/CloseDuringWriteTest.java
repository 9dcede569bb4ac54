package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.FileReferenceContract.FileReferenceCases;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.MountedFilesystem;

/**
 * xfsish under a close from another thread during a write (issue 16): no block lost to a dead
 * inode, and the post-EOF preallocation trimmed by the last close, which is the writer's return.
 * The lock validator's eviction check is set to record rather than throw, so that
 * the filesystem's own symptom is what these tests see.
 */
@ExtendWith(LockValidatorExtension.class)
class CloseDuringWriteTest {
  private static final int PAGE = Folio.SIZE;

  private final MountedFilesystem fs = MountedFilesystem.mount(
      FilesystemUnderTest.of(new XfsishType()).withMountOptions(""));
  private final Syscalls sys = fs.sys();
  private final LockValidator validator = fs.machine().lockValidator();

  private long userBuffer(int pages) {
    byte[] data = new byte[pages * PAGE];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 13 + 5);
    }
    long buf = sys.mmapAnonymous(data.length);
    sys.store(buf, data);
    return buf;
  }

  private void assertNoEvictionInUse() {
    List<LockdepReport> reports = validator.takeReports();
    assertEquals(List.of(), reports, "the file was evicted under the write");
  }

  /** Before the fix the eviction ran mid-write; the rest of the write allocated for it. */
  @Test
  void closeAndUnlinkDuringAWriteLosesNoBlock() {
    FileReferenceCases.assertCloseAndUnlinkDuringAWriteLosesNothing(MountedFilesystem.mount(
        FilesystemUnderTest.of(new XfsishType())));
  }

  /**
   * The close during an append finds the writer holding {@code i_rwsem} and cannot trim the
   * speculative preallocation; the writer's return is the last close and trims it.
   */
  @Test
  void closeDuringAnAppendLeavesNoPreallocationPastEof() {
    validator.setThrowOnReport(false);
    int fd = sys.open(fs.path("grown"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(fd, new byte[64 * PAGE], 0);
    sys.fsync(fd);
    long buf = userBuffer(8);
    long n = FileReferenceCases.pwriteWhileAnotherThreadCloses(fs, fd, buf, 8L * PAGE,
        64L * PAGE, null);
    assertEquals(8L * PAGE, n);
    sys.sync();
    assertEquals(72L * PAGE / 512, sys.stat(fs.path("grown")).blocks(),
        "blocks past EOF after the last close (st_blocks in 512-byte units)");
    assertEquals(List.of(), fs.sb().fsck().problems());
    assertNoEvictionInUse();
  }
}
