package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;

/** The command line's contract: --help everywhere, one-line errors, nonzero exits. */
@ExtendWith(LockValidatorExtension.class)
class VfsimCommandLineTest {
  @ParameterizedTest
  @ValueSource(strings = {"io", "compare", "fsx", "plugins", "crash", "mount"})
  void everyCommandHasHelp(String command) {
    // picocli reports a description it cannot format (a lone '%') on System.err itself.
    PrintStream saved = System.err;
    ByteArrayOutputStream stray = new ByteArrayOutputStream();
    CliRun r;
    try {
      System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
      r = CliRun.of(command, "--help");
    } finally {
      System.setErr(saved);
    }
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("Usage: vfsim " + command), r.out());
    assertEquals("", stray.toString(StandardCharsets.UTF_8));
    assertFalse(r.out().contains("%n"), r.out());
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = CliRun.of();
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("vfsim: a command is required"), r.err());
  }

  @Test
  void unknownFilesystemNamesTheKnownOnes() {
    CliRun r = CliRun.of("io", "--fs", "zfs", "-f", "-c", "pwrite 0 1", "x");
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("vfsim: No such device (unknown filesystem type 'zfs'; known:"),
        r.err());
    assertFalse(r.err().contains("\tat "));
  }

  @Test
  void skeletonPluginFailsWithItsErrno() {
    CliRun r = CliRun.of("io", "--fs", "ext2ish", "-f", "-c", "pwrite 0 1", "x");
    if (r.exit() != 0) {
      assertTrue(r.err().startsWith("vfsim: "), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
    } else {
      assertTrue(r.out().startsWith("wrote 1/1 bytes at offset 0"), r.out());
    }
  }

  @Test
  void badMountOptionIsAnErrnoError() {
    CliRun r = CliRun.of("io", "--fs", "ramfs", "--mount", "nosuch=1", "-f", "-c", "stat", "x");
    assertEquals(1, r.exit());
    assertEquals("vfsim: Invalid argument (unknown option 'nosuch')\n", r.err());
  }

  @Test
  void pluginsListsTypesCapabilitiesAndOptions() {
    CliRun r = CliRun.of("plugins");
    assertEquals(0, r.exit());
    for (String fs : new String[] {"ext2ish", "xfsish", "btrfsish", "ramfs"}) {
      assertTrue(r.out().contains("\n" + fs + " - ") || r.out().startsWith(fs + " - "), fs);
    }
    assertTrue(r.out().contains("size=SIZE"), "ramfs's OptionSpec.usage(): " + r.out());
    assertTrue(r.out().contains("\nallocation policies (policy=NAME on ext2ish and xfsish;"),
        r.out());
    for (String p : new String[] {"bestfit", "firstfit", "nextfit"}) {
      assertTrue(r.out().contains("\n  " + p + " - "), p + ": " + r.out());
    }
  }

  @Test
  void commandsFromStandardInputActOnTheCurrentFile() {
    CliRun r = CliRun.withStdin("pwrite 0 3\nopen -f g\npwrite 0 5\nfile\n", "io", "--fs",
        "ramfs", "-f", "f");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("wrote 3/3") && r.out().contains("wrote 5/5"), r.out());
    assertEquals(2, r.out().split("wrote ").length - 1, "one write each, not per file");
  }
}
