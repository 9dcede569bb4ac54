package org.vfsim.testkit.planted;

import org.vfsim.testkit.EofZeroingContract;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.PowerCutIsolationContract;
import org.vfsim.testkit.WriteFailureContract;

/**
 * The contract classes beside {@code FilesystemContract} bound to planted filesystems: the
 * correct ones (run by surefire through the {@code *Test} classes below) and one per planted
 * bug (names that surefire skips; {@link EdgeContractsCatchPlantedBugsTest} runs them).
 */
final class PlantedEdgeContracts {
  private PlantedEdgeContracts() {}

  static FilesystemUnderTest full(Bug bug) {
    return FilesystemUnderTest.of(new PlantedFsType(bug, true)).withDeviceBytes(64L << 20);
  }

  static class ShortCopyOverEvictedPage extends WriteFailureContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return full(Bug.COMMITS_SHORT_COPY_INTO_NOT_UPTODATE_PAGE);
    }
  }

  static class SkipsCleanup extends WriteFailureContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedContracts.fut(Bug.SKIPS_CLEANUP_AFTER_FAILED_WRITE);
    }
  }

  static class NoPageMkwrite extends WriteFailureContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return PlantedContracts.fut(Bug.NO_PAGE_MKWRITE);
    }
  }

  static class SkipsEofZeroing extends EofZeroingContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return full(Bug.SKIPS_EOF_ZEROING);
    }
  }

  static class FsyncMapsOthers extends PowerCutIsolationContract {
    @Override
    protected FilesystemUnderTest filesystem() {
      return full(Bug.FSYNC_MAPS_OTHER_FILES_BEFORE_DATA);
    }
  }
}
