package org.vfsim.testkit.planted;

import org.junit.jupiter.api.Nested;
import org.vfsim.testkit.EofZeroingContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.PowerCutIsolationContract;
import org.vfsim.testkit.WriteFailureContract;

/** The new contract classes pass on the correct planted filesystems (both variants). */
class PlantedEdgeContractsTest {
  @Nested
  class WriteFailureOnPlanted extends WriteFailureContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedContracts.fut(Bug.NONE);
    }
  }

  @Nested
  class WriteFailureOnPlantedFull extends WriteFailureContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedEdgeContracts.full(Bug.NONE);
    }
  }

  @Nested
  class EofZeroingOnPlanted extends EofZeroingContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedContracts.fut(Bug.NONE);
    }
  }

  @Nested
  class EofZeroingOnPlantedFull extends EofZeroingContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedEdgeContracts.full(Bug.NONE);
    }
  }

  @Nested
  class PowerCutIsolationOnPlantedFull extends PowerCutIsolationContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedEdgeContracts.full(Bug.NONE);
    }
  }
}
