package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;

/** {@code vfsim fsx}: passes on ramfs once the model checker is in the build; a clear error before. */
@ExtendWith(LockValidatorExtension.class)
class FsxCommandTest {
  private static boolean checkerPresent() {
    try {
      Class.forName("org.vfsim.testkit.fsx.Fsx");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void runsTheModelCheckerOrSaysItIsMissing() {
    CliRun r = CliRun.of("fsx", "--fs", "ramfs", "-N", "300", "-S", "42");
    if (!checkerPresent()) {
      assertEquals(1, r.exit());
      assertEquals("vfsim: fsx: the model checker (org.vfsim.testkit.fsx.Fsx) is not part of"
          + " this build yet\n", r.err());
      return;
    }
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("seed 42"), r.out());
    assertTrue(r.out().contains("PASSED after 300 operations"), r.out());
  }

  @Test
  void fsNameIsRequired() {
    CliRun r = CliRun.of("fsx", "-N", "10");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("vfsim: Missing required option: '--fs=NAME'"), r.err());
  }
}
