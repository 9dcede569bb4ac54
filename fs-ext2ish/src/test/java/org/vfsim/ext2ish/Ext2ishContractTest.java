package org.vfsim.ext2ish;

import org.vfsim.testkit.FilesystemUnderTest;

/** The testkit's conformance suite on ext2ish with its defaults (4 KiB blocks, windows on). */
class Ext2ishContractTest extends Ext2ishContractBase {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType());
  }
}
