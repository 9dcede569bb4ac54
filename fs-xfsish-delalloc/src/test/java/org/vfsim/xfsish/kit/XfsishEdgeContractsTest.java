package org.vfsim.xfsish.kit;

import org.junit.jupiter.api.Nested;
import org.vfsim.testkit.EofZeroingContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.PowerCutIsolationContract;
import org.vfsim.testkit.WriteFailureContract;
import org.vfsim.xfsish.XfsishType;

/** The test kit's contract classes beside FilesystemContract, on xfsish with its defaults. */
class XfsishEdgeContractsTest {
  static FilesystemUnderTest fut() {
    return FilesystemUnderTest.of(new XfsishType());
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
