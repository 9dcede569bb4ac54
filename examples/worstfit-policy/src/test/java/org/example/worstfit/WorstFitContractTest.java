package org.example.worstfit;

import org.vfsim.ext2ish.Ext2ishType;
import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/** The conformance suite on ext2ish mounted with this policy: placement breaks no rule. */
class WorstFitContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new Ext2ishType()).withMountOptions("policy=worstfit");
  }
}
