package org.vfsim.xfsish.kit;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.xfsish.XfsishType;

/** The vfs-testkit contract suite on xfsish: default: delayed allocation with dynamic speculative preallocation, iomap write path. */
class XfsishDelallocContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new XfsishType()).withMountOptions("");
  }
}
