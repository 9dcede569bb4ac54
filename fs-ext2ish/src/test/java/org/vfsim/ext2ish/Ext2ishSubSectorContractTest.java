package org.vfsim.ext2ish;

import org.vfsim.testkit.FilesystemUnderTest;

/**
 * The conformance suite with 1 KiB filesystem blocks on a 4 KiB-sector device: data and
 * metadata blocks are parts of device blocks, written by read-modify-write.
 */
class Ext2ishSubSectorContractTest extends Ext2ishContractBase {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType()).withBlockSize(4096)
        .withMkfsOptions("b=1024");
  }
}
