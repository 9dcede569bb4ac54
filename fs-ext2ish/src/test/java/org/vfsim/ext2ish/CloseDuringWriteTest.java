package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.OpenFile;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.FileReferenceContract.FileReferenceCases;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.MountedFilesystem;

/**
 * ext2ish under a close from another thread during a write (issue 16): the file is held for the
 * whole write, so its blocks are allocated for a live inode and freed when it is evicted after.
 * The lock validator's eviction check is set to record rather than throw, so that
 * the filesystem's own symptom is what these tests see.
 */
@ExtendWith(LockValidatorExtension.class)
class CloseDuringWriteTest {
  private static final int PAGE = Folio.SIZE;

  private final MountedFilesystem fs = MountedFilesystem.mount(
      FilesystemUnderTest.of(new Ext2ishType()));
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

  /** Before the fix the eviction ran mid-write and 3 blocks stayed marked in use by no inode. */
  @Test
  void closeAndUnlinkDuringAWriteLosesNoBlock() {
    validator.setThrowOnReport(false);
    sys.sync();
    long free = sys.statfs(MountedFilesystem.MOUNT_POINT).bfree();
    long buf = userBuffer(8);
    int fd = sys.open(fs.path("victim"), OpenFile.O_CREAT | OpenFile.O_RDWR, 0644);
    long n = FileReferenceCases.pwriteWhileAnotherThreadCloses(fs, fd, buf, 8L * PAGE, 0,
        fs.path("victim"));
    assertEquals(8L * PAGE, n);
    sys.sync();
    assertEquals(List.of(), fs.sb().fsck().problems(), "fsck after the raced close");
    assertEquals(free, sys.statfs(MountedFilesystem.MOUNT_POINT).bfree(),
        "every block of the unlinked file is free again");
    assertNoEvictionInUse();
  }
}
