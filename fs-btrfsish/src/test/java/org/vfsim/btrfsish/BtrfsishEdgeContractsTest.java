package org.vfsim.btrfsish;

import org.junit.jupiter.api.Nested;
import org.vfsim.testkit.EofZeroingContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.PowerCutIsolationContract;
import org.vfsim.testkit.WriteFailureContract;

/** The test kit's contract classes beside FilesystemContract, on Btrfsish with its defaults. */
class BtrfsishEdgeContractsTest {
  static FilesystemUnderTest fut() {
    return FilesystemUnderTest.of(new BtrfsishType());
  }

  @Nested
  class WriteFailure extends WriteFailureContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut();
    }
  }

  @Nested
  class EofZeroing extends EofZeroingContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut();
    }
  }

  @Nested
  class PowerCutIsolation extends PowerCutIsolationContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut();
    }
  }
}
