package org.vfsim.ext2ish;

import org.vfsim.testkit.FilesystemUnderTest;

/** The conformance suite with 2 KiB blocks and a 64-block first reservation window. */
class Ext2ishLargeWindowContractTest extends Ext2ishContractBase {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType()).withBlockSize(2048)
        .withMountOptions("reservation_window=64");
  }
}
