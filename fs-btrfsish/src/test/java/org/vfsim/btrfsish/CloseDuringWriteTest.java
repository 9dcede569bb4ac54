package org.vfsim.btrfsish;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.testkit.FileReferenceContract.FileReferenceCases;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.MountedFilesystem;

/**
 * btrfsish under a close from another thread during a write (issue 16): no extent is left whose
 * backref names the evicted inode, and the data space comes back.
 * The lock validator's eviction check is set to record rather than throw, so that
 * the filesystem's own symptom is what these tests see.
 */
@ExtendWith(LockValidatorExtension.class)
class CloseDuringWriteTest {
  /** Before the fix an extent allocated after the eviction kept a backref to the dead inode. */
  @Test
  void closeAndUnlinkDuringAWriteLosesNoBlock() {
    FileReferenceCases.assertCloseAndUnlinkDuringAWriteLosesNothing(MountedFilesystem.mount(
        FilesystemUnderTest.of(new BtrfsishType()).withDeviceBytes(64L << 20)));
  }
}
