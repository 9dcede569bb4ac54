package org.vfsim.testkit.planted;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/**
 * Positive control for the capability-gated half of the suite: the device-backed planted
 * filesystem declares every capability, so fallocate modes, reflink, power cut, umount/remount
 * and device I/O errors all run (none is skipped) and pass.
 */
class PlantedFullContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new PlantedFsType(Bug.NONE, true)).withDeviceBytes(64L << 20)
        .withSmallDeviceBytes(4L << 20);
  }
}
