package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.lockdep.LockValidatorExtension;

/**
 * The cases of "nothing lost" that are not about images: MS_SYNC durability, path errors,
 * sizes, job files and option errors, each one line and never a stack trace.
 */
@ExtendWith(LockValidatorExtension.class)
class BadInputTest {
  @TempDir
  Path dir;

  private static void assertOneLine(CliRun r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    assertTrue(r.err().lines().count() <= 2, r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"toyfs", "ext2ish", "xfsish", "btrfsish"})
  void msyncWithMsSyncIsDurableLikeFsync(String fs) {
    CliRun r = CliRun.of("io", "--fs", fs, "--size", "64m", "-f", "-c", "pwrite -S 0x11 0 64k",
        "-c", "fsync", "-c", "mmap -rw 0 64k", "-c", "mwrite -S 0x5a 0 64k", "-c",
        "msync -s 0 64k", "-c", "powercut", "-c", "pread -v 0 4", "-c", "pread -v 65532 4", "f");
    assertEquals(0, r.exit(), r.err());
    // Once 0x11: msync wrote the pages back but never flushed the device's write cache.
    assertTrue(r.out().contains("00000000:  5a 5a 5a 5a  ZZZZ"), r.out());
    assertTrue(r.out().contains("0000fffc:  5a 5a 5a 5a  ZZZZ"), r.out());
  }

  @Test
  void msAsyncPromisesNothingAcrossAPowerCut() {
    // The negative control: without MS_SYNC the device cache is not flushed.
    CliRun r = CliRun.of("io", "--fs", "toyfs", "--size", "64m", "-f", "-c",
        "pwrite -S 0x11 0 64k", "-c", "fsync", "-c", "mmap -rw 0 64k", "-c",
        "mwrite -S 0x5a 0 64k", "-c", "msync -a 0 64k", "-c", "powercut", "-c", "pread -v 0 4",
        "f");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("00000000:  11 11 11 11  ...."), r.out());
  }

  @Test
  void pathErrorsAreTheKernelsAndXfsIos() {
    // Outputs of xfs_io 6.1 on Linux for the same commands (it stats a path before opening it,
    // and reopens a directory read-only).
    String tooLong = "d/".repeat(2050) + "x";
    CliRun r = CliRun.of("io", "--fs", "ramfs", "-f", "-c", "pwrite -q 0 1", "-c", "close", "-c",
        "open foo/", "-c", "open -f foo/", "-c", "open -f ..", "-c", "open ..", "-c",
        "open " + tooLong, "-c", "open -f " + tooLong, "foo");
    assertEquals("stat: Not a directory\nstat: Not a directory\n..: Is a directory\n"
        + "stat: File name too long\nstat: File name too long\n", r.err());
    CliRun initial = CliRun.of("io", "--fs", "ramfs", "-f", "foo/");
    assertEquals("foo/: Is a directory\n", initial.err());
    CliRun dotdot = CliRun.of("io", "--fs", "ramfs", "-f", "..");
    assertEquals("..: Is a directory\n", dotdot.err());
  }

  @Test
  void runningOutOfHeapIsOneLineAndLeavesTheImageAlone() throws IOException {
    Path img = dir.resolve("m.img");
    CliRun r = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--mount", "oom", "--image",
        img.toString(), "-f", "-c", "pwrite 0 4k", "f");
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("vfsim: out of memory: the simulated machine needs more"),
        r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(img));
  }

  @Test
  void aFilesystemThatLostItsRootIsCorruptionNotACrash() {
    // A crafted image once ended in "internal error: NullPointerException at Vfs.resolve".
    CliRun r = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--mount", "noroot", "-f", "-c",
        "pwrite 0 1", "f");
    assertEquals(1, r.exit());
    assertEquals("stat: Structure needs cleaning\n", r.err());
  }

  @Test
  void sizesTakeEveryBinarySuffixUpToExbibytes() {
    CliRun p = CliRun.of("io", "--fs", "ramfs", "--size", "1P", "-f", "-c", "pwrite 0 1", "f");
    assertEquals(0, p.exit(), p.err());
    CliRun bad = CliRun.of("io", "--fs", "ramfs", "--size", "1Z", "-f", "-c", "pwrite 0 1", "f");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("is not a size: '1Z'"), bad.err());
    assertEquals(1L << 50, org.vfsim.fs.MountOptions.parseSize("s", "1P"));
    assertEquals(1L << 50, org.vfsim.fs.MountOptions.parseSize("s", "1125899906842624"));
    assertEquals(2L << 60, org.vfsim.fs.MountOptions.parseSize("s", "2e"));
  }

  @Test
  void pwriteWithAZeroBufferSizeReportsZeroRatesLikeXfsIo() {
    CliRun r = CliRun.of("io", "--fs", "ramfs", "-f", "-c", "pwrite -b 0 0 4k", "f");
    assertEquals("wrote 0/4096 bytes at offset 0\n0.000000 bytes, 0 ops; 0.0000 sec"
        + " (0.000000 bytes/sec and 0.0000 ops/sec)\n", r.out());
  }

  @Test
  void aBinaryFioJobFileIsOneClearLine() throws IOException {
    Path job = dir.resolve("job.fio");
    Files.write(job, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});
    CliRun r = CliRun.of("compare", "--workload", job.toString(), "--out",
        dir.resolve("o").toString(), "--fs", "toyfs");
    assertEquals(1, r.exit());
    assertEquals("vfsim: " + job + ": not a fio job file (not UTF-8 text)\n", r.err());
    Files.write(job, new byte[] {'[', 'a', ']', '\n', 0, '\n'});
    r = CliRun.of("compare", "--workload", job.toString(), "--out", dir.resolve("o").toString(),
        "--fs", "toyfs");
    assertEquals("vfsim: " + job + ": not a fio job file (binary: it holds NUL bytes)\n",
        r.err());
  }

  @Test
  void compareWithAnEmptyFsNameSaysSo() {
    for (String v : new String[] {"", ",", " "}) {
      CliRun r = CliRun.of("compare", "--fs", v, "--out", dir.resolve("o").toString());
      assertEquals(2, r.exit());
      assertTrue(r.err().startsWith("vfsim: --fs '" + v + "': no filesystem named"), r.err());
      assertOneLine(r);
    }
  }

  @Test
  void compareDatalessSaysSoInTheReport() throws IOException {
    Path out = dir.resolve("o");
    CliRun r = CliRun.of("compare", "--dataless", "--fs", "toyfs", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("dataless: file data not stored"), r.out());
    assertTrue(JsonParser.parseString(Files.readString(out.resolve("report.json")))
        .getAsJsonObject().get("dataless").getAsBoolean());
    assertTrue(Files.readString(out.resolve("report.html")).contains("dataless"));
  }

  @Test
  void fsxOnADeviceTooSmallIsAUsageErrorAndWritesNoReplay() throws IOException {
    Path cwdReplay = Path.of("fsx.replay");
    boolean existed = Files.exists(cwdReplay);
    CliRun r = CliRun.of("fsx", "--fs", "toyfs", "--size", "4k", "-N", "10");
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().startsWith("vfsim: fsx: toyfs on a 4096-byte device"), r.err());
    assertFalse(r.out().contains("FAILED"), r.out());
    assertOneLine(r);
    assertEquals(existed, Files.exists(cwdReplay), "no fsx.replay written into the cwd");
  }

  @Test
  void fsxWritesItsReplayIntoTheTemporaryDirectoryByDefault() {
    CliRun r = CliRun.of("fsx", "--fs", "toyfs", "--mount", "leak", "--size", "16m", "-N",
        "200", "-S", "7");
    assertEquals(1, r.exit(), r.out());
    Path expected = Path.of(System.getProperty("java.io.tmpdir"), "vfsim-fsx-toyfs-7.replay");
    assertTrue(r.err().contains("--replay " + expected), r.err());
    assertTrue(Files.exists(expected));
  }
}
