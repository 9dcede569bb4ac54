package org.vfsim.testkit.planted;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/**
 * The contract suite bound to each planted bug. The class names do not match surefire's test
 * patterns on purpose: {@link ContractCatchesPlantedBugsTest} runs chosen methods of them through
 * the JUnit Platform launcher and asserts that they fail.
 */
final class PlantedContracts {
  private PlantedContracts() {}

  static FilesystemUnderTest fut(Bug bug) {
    return FilesystemUnderTest.of(new PlantedFsType(bug)).withSmallDeviceBytes(4L << 20);
  }

  static class CommitsShortCopy extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.COMMITS_SHORT_COPY_INTO_NOT_UPTODATE_PAGE);
    }
  }

  static class LeaksReservation extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.LEAKS_RESERVATION_ON_SHORT_WRITE);
    }
  }

  static class FreesReferencedBlock extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.FREES_BLOCK_STILL_REFERENCED);
    }
  }

  static class FaultsUnderFolioLock extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.FAULTS_UNDER_FOLIO_LOCK);
    }
  }

  static class SizeFromLen extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.SIZE_FROM_LEN_NOT_COPIED);
    }
  }

  static class Overcounts extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.OVERCOUNTS_SHORT_WRITE);
    }
  }

  static class FsyncCommitsNothing extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return FilesystemUnderTest.of(new PlantedFsType(Bug.FSYNC_COMMITS_NOTHING, true))
          .withDeviceBytes(64L << 20);
    }
  }

  static class InsaneStatfs extends FilesystemContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return fut(Bug.STATFS_FREE_EXCEEDS_TOTAL);
    }
  }
}
