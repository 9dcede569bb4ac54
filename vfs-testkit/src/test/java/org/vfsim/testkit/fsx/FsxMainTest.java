package org.vfsim.testkit.fsx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.ramfs.RamfsType;

/** The command line and the pinned API's argument handling. */
@ExtendWith(LockValidatorExtension.class)
class FsxMainTest {
  @Test
  void runsRamfsWithFsxStyleFlags(@TempDir Path tmp) {
    assertEquals(0, FsxMain.run(new String[] {"-N", "500", "-S", "7", "--fs", "ramfs",
        "--replay-out", tmp.resolve("r").toString()}));
    assertFalse(Files.exists(tmp.resolve("r")), "no replay file for a passing run");
  }

  @Test
  void badUsageIsExitCodeTwo(@TempDir Path tmp) {
    assertEquals(2, FsxMain.run(new String[] {"-N"}));
    assertEquals(2, FsxMain.run(new String[] {"--bogus"}));
    assertEquals(2, FsxMain.run(new String[] {"--fs", "no-such-fs", "-N", "1"}));
    assertEquals(2, FsxMain.run(new String[] {"--replay", tmp.resolve("absent").toString()}));
    Path replay = tmp.resolve("r");
    assertEquals(2, FsxMain.run(new String[] {"-N", "5", "--mount", "bogus=1",
        "--replay-out", replay.toString()}));
    assertFalse(Files.exists(replay), "a usage error is not a failure to replay");
  }

  @Test
  void mountOptionsReachTheFilesystemAndTheReproLine(@TempDir Path tmp) {
    assertEquals(0, FsxMain.run(new String[] {"-N", "200", "-S", "5", "--mount", "size=8m",
        "--replay-out", tmp.resolve("r").toString()}));
    String log = log(Fsx.Options.defaults(5, 20).withMountOptions("size=8m"));
    assertTrue(log.startsWith("fsx: --fs ramfs --mount size=8m -S 5 -N 20 "), log);
    // A ramfs smaller than the file fsx grows runs out of space: the option did reach it.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result small = Fsx.run(new RamfsType(), Fsx.Options.defaults(3, 2000)
        .withMountOptions("size=16k"), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertFalse(small.passed(), "a 16 KiB ramfs cannot hold fsx's 256 KiB file");
  }

  @Test
  void badOptionsAreAUsageErrorOfTheApi() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Fsx.run(new RamfsType(), Fsx.Options.defaults(1, 1).withMkfsOptions("nope"),
            new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("mkfs options 'nope'"), e.getMessage());
  }

  @Test
  void sameSeedSameRunDifferentSeedDifferentRun() {
    String a = log(Fsx.Options.defaults(42, 300));
    String b = log(Fsx.Options.defaults(42, 300));
    String c = log(Fsx.Options.defaults(43, 300));
    assertEquals(opsLine(a), opsLine(b), "a seed determines the operations");
    assertFalse(opsLine(a).equals(opsLine(c)), "another seed, other operations");
  }

  @Test
  void defaultsMirrorFsx() {
    Fsx.Options o = Fsx.Options.defaults(1, 2);
    assertEquals(256 * 1024, o.maxFileSize());
    assertEquals(4096, o.blockSize());
    assertNull(o.replayOut());
    assertThrows(IllegalArgumentException.class, () -> Fsx.Options.defaults(1, -1));
  }

  @Test
  void replayRefusesAFileOfAnotherFilesystem(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("x.replay");
    Files.writeString(f, "fs=ext2ish\nseed=1\noperations=10\ndeviceBytes=1048576\n"
        + "blockSize=4096\nmaxFileSize=65536\n");
    assertThrows(IllegalArgumentException.class,
        () -> Fsx.replay(new RamfsType(), f, new PrintStream(new ByteArrayOutputStream())));
    Files.writeString(f, "fs=ramfs\nseed=9\noperations=200\ndeviceBytes=1048576\n"
        + "blockSize=4096\nmaxFileSize=65536\n");
    Fsx.Result r = Fsx.replay(new RamfsType(), f, new PrintStream(new ByteArrayOutputStream()));
    assertTrue(r.passed(), r.failure());
    assertEquals(200, r.operationsRun());
    assertEquals(9, r.seed());
  }

  private static String log(Fsx.Options o) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result r = Fsx.run(new RamfsType(), o, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertTrue(r.passed(), r.failure());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String opsLine(String log) {
    for (String l : log.split("\n")) {
      if (l.startsWith("fsx: operations run:")) {
        return l;
      }
    }
    throw new AssertionError("no operations line in " + log);
  }
}
