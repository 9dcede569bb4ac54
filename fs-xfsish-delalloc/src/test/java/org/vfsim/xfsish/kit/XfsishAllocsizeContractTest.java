package org.vfsim.xfsish.kit;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.xfsish.XfsishType;

/** The vfs-testkit contract suite on xfsish: a fixed 1 MiB speculative preallocation. */
class XfsishAllocsizeContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new XfsishType()).withMountOptions("allocsize=1m");
  }
}
