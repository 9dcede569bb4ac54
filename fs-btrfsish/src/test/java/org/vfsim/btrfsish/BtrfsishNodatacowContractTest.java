package org.vfsim.btrfsish;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/** The contract suite with nodatacow: unshared extents are overwritten in place. */
class BtrfsishNodatacowContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new BtrfsishType()).withDeviceBytes(64L << 20)
        .withMountOptions("nodatacow");
  }
}
