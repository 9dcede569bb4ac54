package org.vfsim.ext2ish;

import org.vfsim.testkit.FilesystemUnderTest;

/** The conformance suite with 1 KiB blocks (four per page) and reservation windows off. */
class Ext2ishSmallBlocksContractTest extends Ext2ishContractBase {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType()).withBlockSize(1024)
        .withMountOptions("noreservation");
  }
}
