package org.vfsim.xfsish.kit;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.xfsish.XfsishType;

/** The vfs-testkit contract suite on xfsish: generic_perform_write with per-page write_begin/write_end. */
class XfsishGenericWritePathContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new XfsishType()).withMountOptions("write_path=generic");
  }
}
