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
import org.vfsim.syscall.Fcntl;

/** {@code vfsim io --image}: state survives between runs; a bad image is refused and kept. */
@ExtendWith(LockValidatorExtension.class)
class MachineImageTest {
  /** What a run says for a plugin that still keeps metadata as Java objects. */

  @TempDir
  Path dir;
  Path image;

  @BeforeEach
  void makeImage() throws IOException {
    image = dir.resolve("machine.img");
    CliRun first = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--image", image.toString(),
        "-f", "-c", "pwrite -S 0x41 0 8192", "-c", "pwrite -S 0x42 1m 4096", "data");
    assertEquals(0, first.exit(), first.err());
    assertTrue(Files.exists(image));
    good = Files.readAllBytes(image);
    goodTrailer = trailer();
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

  /** The raw-stat fields of a {@code stat -r} listing (the last one if there are several). */
  private static java.util.Map<String, Long> rawStat(String out) {
    java.util.Map<String, Long> m = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      String[] kv = line.split(" = ", 2);
      if (kv.length == 2 && kv[0].matches("stat\\.[acm]time\\.tv_n?sec")) {
        m.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return m;
  }

  private static long nanos(java.util.Map<String, Long> raw, String which) {
    return raw.get("stat." + which + ".tv_sec") * 1_000_000_000L
        + raw.get("stat." + which + ".tv_nsec");
  }

  @Test
  void theClockCarriesOverSoTimesNeverGoBackwards() {
    // btrfsish keeps inode times in its on-disk image, so stat shows the saved ones.
    Path img = dir.resolve("clock.img");
    CliRun first = CliRun.of("io", "--fs", "btrfsish", "--size", "64m", "--image", img.toString(),
        "-f", "-c", "pwrite 0 64k", "-c", "fsync", "-c", "pwrite 64k 4k", "-c", "stat -r", "d");
    org.junit.jupiter.api.Assumptions.assumeFalse(first.err().contains("Function not implemented"),
        "btrfsish is still a skeleton: " + first.err());
    assertEquals(0, first.exit(), first.err());
    long written = nanos(rawStat(first.out()), "mtime");
    assertTrue(written > 0, "64 KiB of syscalls took simulated time: " + first.out());
    CliRun second = CliRun.of("io", "--image", img.toString(), "-c", "stat -r", "d");
    assertEquals(0, second.exit(), second.err());
    assertEquals(written, nanos(rawStat(second.out()), "mtime"), "mtime kept by the image");
    CliRun third = CliRun.of("io", "--image", img.toString(), "-c", "pwrite 0 1", "-c", "stat -r",
        "-c", "stat -v", "d");
    assertEquals(0, third.exit(), third.err());
    java.util.Map<String, Long> after = rawStat(third.out());
    // The clock went on from where the previous run saved it: the new write is later.
    assertTrue(nanos(after, "mtime") > written, nanos(after, "mtime") + " <= " + written);
    assertTrue(nanos(after, "ctime") >= nanos(after, "mtime"));
    assertTrue(third.out().contains("stat.mtime = Thu Jan  1 00:00:00 1970\n"), third.out());
  }

  @Test
  void theSavedTimeIsRestoredExactlyAndRestoringItDoesNoWork() throws IOException {
    // Two machines that differ only in that one idled a simulated day before the same work:
    // their images load to clocks exactly a day apart and the same I/O counters, so advancing
    // the fresh machine's clock by the saved time (its periodic writeback timer runs 17,280
    // times over an empty page cache) did nothing observable.
    org.vfsim.plugin.PluginRegistry registry = new org.vfsim.plugin.PluginRegistry(
        java.util.Map.of("toyfs", new ToyFsType()));
    long[] saved = new long[2];
    SimulatedSystem[] loaded = new SimulatedSystem[2];
    for (int i = 0; i < 2; i++) {
      SimulatedSystem s = SimulatedSystem.create(new ToyFsType(), 16 << 20, "", "");
      if (i == 1) {
        s.machine().clock().advance(java.time.Duration.ofDays(1));
      }
      org.vfsim.syscall.Syscalls sys = s.machine().syscalls(s.machine().spawn("w").mainTask());
      int fd = sys.open("/mnt/f", Fcntl.O_RDWR | Fcntl.O_CREAT,
          0600);
      sys.pwriteBytes(fd, new byte[3 * 4096], 0);
      sys.fsync(fd);
      sys.close(fd);
      Path img = dir.resolve("t" + i + ".img");
      s.saveImage(img);
      saved[i] = s.machine().clock().nanoTime();
      loaded[i] = SimulatedSystem.loadImage(registry, img);
      assertEquals(saved[i], loaded[i].machine().clock().nanoTime(), "restored exactly");
    }
    assertEquals(java.time.Duration.ofDays(1).toNanos(), saved[1] - saved[0]);
    assertEquals(loaded[0].device().counters(), loaded[1].device().counters());
    assertEquals(loaded[0].machine().pageCache().stats(), loaded[1].machine().pageCache().stats());
  }

  @Test
  void noTemporaryFileIsLeftBehind() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      // The image and its lock file (kept: removing a lock file races with its next user).
      assertEquals(java.util.Set.of("machine.img", ".machine.img.lock"),
          s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
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
    assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception"), run.err());
    assertEquals("", run.out());
    assertArrayEquals(bad, Files.readAllBytes(image), "the bad image must be left untouched");
  }

  /** The image with its trailer replaced by {@code trailer} (CRC recomputed: a crafted file). */
  private byte[] withTrailer(byte[] trailer) throws IOException {
    ImageTrailer t = goodTrailer;
    byte[] out = Arrays.copyOf(good, (int) t.deviceBytes() + trailer.length);
    System.arraycopy(trailer, 0, out, (int) t.deviceBytes(), trailer.length);
    return out;
  }

  private ImageTrailer goodTrailer;
  private byte[] good;


  private ImageTrailer trailer() {
    return MachineImage.readTrailer(MachineImage.check(image, false));
  }

  /** Recomputes the CRC32C at the end of an edited trailer. */
  private static byte[] resealed(byte[] t) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(t, 0, t.length - 4);
    java.nio.ByteBuffer.wrap(t).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(t.length - 4, (int) crc.getValue());
    return t;
  }

  @Test
  void theImageIsTheDeviceAtItsOffsetsThenATrailer() throws IOException {
    ImageTrailer t = trailer();
    assertEquals("toyfs", t.fsType());
    assertEquals(16L << 20, t.deviceBytes());
    assertEquals(t.deviceBytes() + t.encode().length, Files.size(image));
    // The data block of "data" is somewhere on the device: find 8 KiB of 0x41 at a block offset.
    byte[] all = Files.readAllBytes(image);
    boolean found = false;
    for (int b = 0; b < t.deviceBytes() / 4096 && !found; b++) {
      found = all[b * 4096] == 0x41 && all[b * 4096 + 4095] == 0x41;
    }
    assertTrue(found, "file data stored at a block offset of the image");
    // Sparse: only the blocks in use are data on the host.
    long data = 0;
    for (long[] r : SparseFile.dataRanges(image, t.deviceBytes())) {
      data += r[1] - r[0];
    }
    assertTrue(data <= 256 * 1024, "data ranges of the image: " + data + " bytes");
  }

  @Test
  void damagedTrailerIsRefused() throws IOException {
    byte[] good = Files.readAllBytes(image);
    byte[] bad = good.clone();
    bad[bad.length - 10] ^= 0x01;
    assertRefusedAndUntouched(bad, "damaged (CRC32C mismatch)");
  }

  @Test
  void truncatedOrPaddedImageIsRefused() throws IOException {
    byte[] good = Files.readAllBytes(image);
    assertRefusedAndUntouched(Arrays.copyOf(good, good.length / 2), "truncated");
    assertRefusedAndUntouched(Arrays.copyOf(good, 20), "truncated");
    assertRefusedAndUntouched(Arrays.copyOf(good, good.length + 4096), "truncated");
    assertRefusedAndUntouched(new byte[0], "truncated");
  }

  @Test
  void aTrailerThatDisagreesWithTheFileSizeIsRefused() throws IOException {
    ImageTrailer t = trailer();
    byte[] lie = new ImageTrailer(t.fsType(), t.mkfsOptions(), t.mountOptions(), t.clockNanos(),
        t.deviceBytes() * 2, t.blockSize(), t.dataless()).encode();
    assertRefusedAndUntouched(withTrailer(lie), "wrong size for a vfsim image");
  }

  @Test
  void foreignFileIsRefused() throws IOException {
    assertRefusedAndUntouched("#!/bin/sh\necho hello\n".getBytes(), "not a vfsim machine image");
  }

  @Test
  void theJavaSerializedFormatIsNoLongerRead() throws IOException {
    byte[] old = new byte[200];
    System.arraycopy(MachineImage.OLD_MAGIC, 0, old, 0, MachineImage.OLD_MAGIC.length);
    assertRefusedAndUntouched(old, "format version 1 (Java serialization) is no longer read");
  }

  @Test
  void futureFormatVersionIsRefused() throws IOException {
    byte[] t = trailer().encode();
    t[ImageTrailer.MAGIC.length] = 99;
    assertRefusedAndUntouched(withTrailer(resealed(t)), "version 99 is not supported");
  }

  @Test
  void implausibleClockDeviceSizeAndBlockSizeAreRefused() throws IOException {
    ImageTrailer t = trailer();
    // A saved clock of Long.MAX once made loading replay ~10^9 writeback ticks.
    assertRefusedAndUntouched(withTrailer(new ImageTrailer(t.fsType(), "", "", Long.MAX_VALUE,
        t.deviceBytes(), t.blockSize(), false).encode()), "implausible simulated clock");
    assertRefusedAndUntouched(withTrailer(new ImageTrailer(t.fsType(), "", "", -1,
        t.deviceBytes(), t.blockSize(), false).encode()), "implausible simulated clock");
    assertRefusedAndUntouched(withTrailer(new ImageTrailer(t.fsType(), "", "", 0,
        t.deviceBytes(), 3000, false).encode()), "implausible block size");
    assertRefusedAndUntouched(withTrailer(new ImageTrailer(t.fsType(), "", "", 0,
        t.deviceBytes() + 1, t.blockSize(), false).encode()), "implausible device size");
    assertRefusedAndUntouched(withTrailer(new ImageTrailer("nosuchfs", "", "", 0,
        t.deviceBytes(), t.blockSize(), false).encode()), "'nosuchfs'");
  }

  @Test
  void aCenturyOfSavedClockResumesWithoutReplayingItsTicks() throws IOException {
    ImageTrailer t = trailer();
    long century = java.time.Duration.ofDays(36_500).toNanos();
    Files.write(image, withTrailer(new ImageTrailer(t.fsType(), t.mkfsOptions(),
        t.mountOptions(), century, t.deviceBytes(), t.blockSize(), false).encode()));
    // Replaying 6 * 10^8 writeback ticks took minutes; resuming is immediate.
    CliRun run = CliRun.of("io", "--image", image.toString(), "-c", "pwrite 0 1", "-c",
        "stat -r", "data");
    assertEquals(0, run.exit(), run.err());
    assertTrue(trailer().clockNanos() > century, "the clock went on from the saved time");
  }

  @Test
  void aDamagedMetadataBlockIsTheFilesystemsToDetect() throws IOException {
    // toyfs keeps its metadata (with a CRC32C) in the last blocks of the device.
    ImageTrailer t = trailer();
    long metaStart = (t.deviceBytes() / 4096 - Math.max(16, t.deviceBytes() / 4096 / 64)) * 4096;
    byte[] bad = Files.readAllBytes(image);
    bad[(int) metaStart + 20] ^= 0x10;
    assertRefusedAndUntouched(bad, "Structure needs cleaning");
  }

  @Test
  void aDamagedXfsishImageBlockIsEucleanNamingTheBlock() throws IOException {
    Path img = dir.resolve("xfs.img");
    CliRun first = CliRun.of("io", "--fs", "xfsish", "--size", "64m", "--image", img.toString(),
        "-f", "-c", "pwrite -S 0x41 0 16k", "-c", "fsync", "d");
    assertEquals(0, first.exit(), first.err());
    // Block 1 is AG 0's AGF; the saved image's log is covered, so recovery replays nothing
    // over it and its CRC32C must catch the damage.
    byte[] bad = Files.readAllBytes(img);
    bad[4096 + 100] ^= 0x10;
    image = img;
    assertRefusedAndUntouched(bad, "Structure needs cleaning");
    CliRun run = CliRun.of("io", "--image", img.toString(), "-c", "pwrite 0 1", "d");
    assertTrue(run.err().contains("metadata block 1 (AGF 0) fails its CRC32C"), run.err());
  }

  @Test
  void optionsThatDisagreeWithAnExistingImageAreRefused() throws IOException {
    byte[] before = Files.readAllBytes(image);
    String[][] cases = {{"--fs", "ramfs", "toyfs"}, {"--size", "32m", "--size 32m differs"},
        {"--mount", "policy=cursor", "--mount 'policy=cursor' differs"},
        {"--mkfs", "spare", "--mkfs 'spare' differs"},
        {"--dataless", null, "--dataless applies only"}};
    for (String[] c : cases) {
      CliRun run = c[1] == null
          ? CliRun.of("io", c[0], "--image", image.toString(), "-c", "pwrite 0 1", "data")
          : CliRun.of("io", c[0], c[1], "--image", image.toString(), "-c", "pwrite 0 1", "data");
      assertEquals(1, run.exit(), run.err());
      assertTrue(run.err().contains(c[2]), c[0] + ": " + run.err());
      assertEquals("", run.out());
    }
    assertArrayEquals(before, Files.readAllBytes(image), "refused runs leave the image as it was");
    // The same values as the image's are fine.
    CliRun same = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--mount", "",
        "--image", image.toString(), "-c", "pread 0 1", "data");
    assertEquals(0, same.exit(), same.err());
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
