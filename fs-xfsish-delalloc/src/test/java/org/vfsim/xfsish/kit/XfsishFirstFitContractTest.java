package org.vfsim.xfsish.kit;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.xfsish.XfsishType;

/** The vfs-testkit contract suite on xfsish with the firstfit policy in place of XFS's own. */
class XfsishFirstFitContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new XfsishType()).withMountOptions("policy=firstfit");
  }
}
