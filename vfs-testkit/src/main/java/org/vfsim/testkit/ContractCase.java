package org.vfsim.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.vfsim.fs.Capability;
import org.vfsim.syscall.Fcntl;

/**
 * What a group of contract cases (an interface of default test methods that
 * {@link FilesystemContract} extends) needs from the test class that runs it: the mounted
 * filesystem, the plugin's settings, and the helpers every group uses.
 */
interface ContractCase {
  /** The filesystem mounted for this test. */
  MountedFilesystem mounted();

  /** The plugin under test with its mkfs and mount options and device sizes. */
  FilesystemUnderTest underTest();

  /**
   * Mounts a fresh filesystem on the plugin's small device (a device-less type with a
   * {@code size=} of it) for a test that fills it, and returns its settings; the test is skipped
   * where the space cannot be bounded. {@link #mounted()} is the new one from here on.
   */
  FilesystemUnderTest mountSmall();

  /** Creates {@code name} read-write under the mount point and returns its descriptor. */
  default int create(String name) {
    return mounted().sys().open(mounted().path(name), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
  }

  /** Bytes of file data the filesystem has allocated. */
  default long usedBytes() {
    return mounted().sb().allocatedDataBytes();
  }

  /** Skips the test, saying why, when the plugin does not declare {@code c}. */
  default void requires(Capability c) {
    assumeTrue(mounted().type().has(c), mounted().type().name() + " does not declare " + c
        + "; skipped");
  }
}
