package org.vfsim.testkit.planted;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/** Positive control: the planted filesystem without a bug passes the whole contract suite. */
class PlantedNoneContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return PlantedContracts.fut(Bug.NONE);
  }
}
