package org.vfsim.ext2ish;

import org.vfsim.testkit.FilesystemUnderTest;

/** The conformance suite with the bestfit allocation policy in place of ext2's own. */
class Ext2ishBestFitContractTest extends Ext2ishContractBase {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType()).withMountOptions("policy=bestfit");
  }
}
