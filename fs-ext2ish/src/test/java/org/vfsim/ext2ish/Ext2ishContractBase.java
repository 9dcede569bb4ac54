package org.vfsim.ext2ish;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.testkit.FilesystemContract;

/**
 * The conformance suite on ext2ish, with e2fsck as a second judge: after every test the
 * filesystem is synced and {@code e2fsck -fn} must find nothing in the device's blocks.
 */
abstract class Ext2ishContractBase extends FilesystemContract {
  @TempDir Path e2fsckDir;

  @AfterEach
  void e2fsckAgrees() {
    if (fs == null || fs.device() == null || !E2fsprogs.installed()
        || !(fs.sb() instanceof Ext2ishSuperBlock)) {
      return;
    }
    fs.sys().sync();
    E2fsprogs.assertE2fsckClean(fs.device(), e2fsckDir, "after the contract test");
  }
}
