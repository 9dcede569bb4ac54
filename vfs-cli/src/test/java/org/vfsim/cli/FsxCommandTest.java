package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.lockdep.LockValidatorExtension;

/** {@code vfsim fsx}: the test kit's model checker behind the command line's conventions. */
@ExtendWith(LockValidatorExtension.class)
class FsxCommandTest {
  @TempDir
  Path dir;

  @Test
  void passesOnRamfsAndPrintsTheSeed() {
    CliRun r = CliRun.of("fsx", "--fs", "ramfs", "-N", "300", "-S", "42", "--replay-out",
        dir.resolve("r").toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("seed 42"), r.out());
    assertTrue(r.out().contains("PASSED after 300 operations"), r.out());
  }

  @Test
  void aBrokenFilesystemFailsWithAReplayThatReproducesIt() {
    Path replay = dir.resolve("leak.replay");
    CliRun r = CliRun.of("fsx", "--fs", "toyfs", "--mount", "leak", "--size", "16m", "-N",
        "200", "-S", "7", "--replay-out", replay.toString());
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("FAILED after "), r.out());
    assertTrue(r.err().startsWith("vfsim: fsx: "), r.err());
    assertTrue(r.err().contains("--replay " + replay), r.err());
    CliRun again = CliRun.of("fsx", "--fs", "toyfs", "--replay", replay.toString());
    assertEquals(1, again.exit(), again.out());
    assertTrue(again.out().contains("FAILED after "), again.out());
  }

  @Test
  void badOptionsAreOneLineErrors() {
    CliRun r = CliRun.of("fsx", "--fs", "ramfs", "-N", "10", "--max-file-size", "1k");
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("vfsim: fsx: maxFileSize 1024 outside"), r.err());
  }

  @Test
  void fsNameIsRequired() {
    CliRun r = CliRun.of("fsx", "-N", "10");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("vfsim: Missing required option: '--fs=NAME'"), r.err());
  }
}
