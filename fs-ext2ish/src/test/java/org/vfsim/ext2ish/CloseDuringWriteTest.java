package org.vfsim.ext2ish;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
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
  /** Before the fix the eviction ran mid-write and 3 blocks stayed marked in use by no inode. */
  @Test
  void closeAndUnlinkDuringAWriteLosesNoBlock() {
    FileReferenceCases.assertCloseAndUnlinkDuringAWriteLosesNothing(MountedFilesystem.mount(
        FilesystemUnderTest.of(new Ext2ishType())));
  }
}
