package org.vfsim.btrfsish;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/** The kit's contract suite on btrfsish with default options (COW, one page per reservation). */
class BtrfsishContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new BtrfsishType()).withDeviceBytes(64L << 20);
  }
}
