package org.vfsim.xfsish.kit;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.xfsish.XfsishType;

/** The vfs-testkit contract suite on xfsish with 2 KiB blocks (2 per page). */
class XfsishBlock2kContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new XfsishType()).withBlockSize(2048);
  }
}
