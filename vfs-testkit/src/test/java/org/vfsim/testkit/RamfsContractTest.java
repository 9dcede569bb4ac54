package org.vfsim.testkit;

import org.vfsim.ramfs.RamfsType;

/** ramfs, the reference plugin, passes the whole contract suite. */
class RamfsContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new RamfsType());
  }
}
