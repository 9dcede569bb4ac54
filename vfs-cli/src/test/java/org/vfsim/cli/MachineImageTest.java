package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.lockdep.LockValidatorExtension;

/** {@code vfsim io --image}: state survives between runs; a bad image is refused and kept. */
@ExtendWith(LockValidatorExtension.class)
class MachineImageTest {
  @TempDir
  Path dir;
  Path image;

  @BeforeEach
  void makeImage() {
    image = dir.resolve("machine.img");
    CliRun first = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--image", image.toString(),
        "-f", "-c", "pwrite -S 0x41 0 8192", "-c", "pwrite -S 0x42 1m 4096", "data");
    assertEquals(0, first.exit(), first.err());
    assertTrue(Files.exists(image));
  }

  @Test
  void fileContentAndLayoutSurviveBetweenInvocations() {
    CliRun second = CliRun.of("io", "--image", image.toString(), "-c", "pread -v 8190 4",
        "-c", "stat", "-c", "pwrite -S 0x43 0 1", "data");
    assertEquals(0, second.exit(), second.err());
    assertTrue(second.out().contains("00001ffe:  41 41 00 00  AA.."), second.out());
    assertTrue(second.out().contains("stat.size = " + (1048576 + 4096)), second.out());
    CliRun third = CliRun.of("io", "--image", image.toString(), "-c", "pread -v 0 2", "data");
    assertTrue(third.out().contains("00000000:  43 41  CA"), third.out());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void roundTripOnEachBuiltInPlugin(String fs) {
    Path img = dir.resolve(fs + ".img");
    CliRun first = CliRun.of("io", "--fs", fs, "--size", "64m", "--image", img.toString(), "-f",
        "-c", "pwrite -S 0x41 0 16k", "-c", "pwrite -S 0x42 1m 4k", "d");
    org.junit.jupiter.api.Assumptions.assumeFalse(first.err().contains("Function not implemented"),
        fs + " is still a skeleton: " + first.err());
    assertEquals(0, first.exit(), first.err());
    CliRun second = CliRun.of("io", "--image", img.toString(), "-c", "pread -v 16380 8", "-c",
        "pread -v 1048576 2", "-c", "stat", "d");
    assertEquals(0, second.exit(), second.err());
    assertTrue(second.out().contains("00003ffc:  41 41 41 41 00 00 00 00  AAAA...."),
        second.out());
    assertTrue(second.out().contains("00100000:  42 42  BB"), second.out());
    assertTrue(second.out().contains("stat.size = " + (1048576 + 4096)), second.out());
  }

  @Test
  void noTemporaryFileIsLeftBehind() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void theImageRemembersItsFilesystemType() {
    CliRun wrong = CliRun.of("io", "--fs", "ramfs", "--image", image.toString(), "-c", "stat",
        "data");
    assertNotEquals(0, wrong.exit());
    assertTrue(wrong.err().startsWith("vfsim: "), wrong.err());
    assertTrue(wrong.err().contains("toyfs"), wrong.err());
  }

  private void assertRefusedAndUntouched(byte[] bad, String why) throws IOException {
    Files.write(image, bad);
    CliRun run = CliRun.of("io", "--image", image.toString(), "-c", "pwrite 0 1", "data");
    assertNotEquals(0, run.exit());
    assertTrue(run.err().startsWith("vfsim: ") && run.err().contains(why), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    assertEquals("", run.out());
    assertArrayEquals(bad, Files.readAllBytes(image), "the bad image must be left untouched");
  }

  @Test
  void damagedPayloadIsRefused() throws IOException {
    byte[] good = Files.readAllBytes(image);
    byte[] bad = good.clone();
    bad[bad.length - 10] ^= 0x01;
    assertRefusedAndUntouched(bad, "damaged (CRC32C mismatch)");
  }

  @Test
  void truncatedImageIsRefused() throws IOException {
    byte[] good = Files.readAllBytes(image);
    assertRefusedAndUntouched(Arrays.copyOf(good, good.length / 2), "truncated");
    assertRefusedAndUntouched(Arrays.copyOf(good, MachineImage.MAGIC.length + 3), "truncated");
  }

  @Test
  void foreignFileIsRefused() throws IOException {
    assertRefusedAndUntouched("#!/bin/sh\necho hello\n".getBytes(), "not a vfsim machine image");
  }

  @Test
  void futureFormatVersionIsRefused() throws IOException {
    byte[] bad = Files.readAllBytes(image);
    bad[MachineImage.MAGIC.length + 3] = 99;
    assertRefusedAndUntouched(bad, "version 99 is not supported");
  }

  @Test
  void deviceLessFilesystemCannotBeImaged() {
    CliRun run = CliRun.of("io", "--fs", "ramfs", "--image", dir.resolve("r.img").toString(),
        "-f", "-c", "pwrite 0 1", "x");
    assertNotEquals(0, run.exit());
    assertTrue(run.err().contains("--image needs a filesystem on a block device"), run.err());
    assertFalse(Files.exists(dir.resolve("r.img")));
  }
}
