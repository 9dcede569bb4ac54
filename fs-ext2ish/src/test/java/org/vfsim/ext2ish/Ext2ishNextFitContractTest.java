package org.vfsim.ext2ish;

import org.vfsim.testkit.FilesystemUnderTest;

/** The conformance suite with the nextfit allocation policy in place of ext2's own. */
class Ext2ishNextFitContractTest extends Ext2ishContractBase {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType()).withMountOptions("policy=nextfit");
  }
}
