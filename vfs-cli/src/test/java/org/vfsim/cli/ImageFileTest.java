package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.lockdep.LockValidatorExtension;

/**
 * The image as a host file: where a save puts it (symlinks, mode, owner, hard links, stale
 * temporary files), what is refused before any work, the lock two runs share, and saves and
 * loads that stream instead of holding the image in one array.
 */
@ExtendWith(LockValidatorExtension.class)
class ImageFileTest {
  @TempDir
  Path dir;
  Path image;

  @BeforeEach
  void makeImage() {
    image = dir.resolve("m.img");
    CliRun first = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--image", image.toString(),
        "-f", "-c", "pwrite -S 0x41 0 8k", "a");
    assertEquals(0, first.exit(), first.err());
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private CliRun write(Path img, String file) {
    return CliRun.of("io", "--image", img.toString(), "-f", "-c", "pwrite -S 0x62 0 4k", "-c",
        "fsync", file);
  }

  private void assertHas(Path img, String... files) {
    for (String f : files) {
      CliRun r = CliRun.of("io", "-r", "--image", img.toString(), "-c", "stat", f);
      assertEquals(0, r.exit(), f + ": " + r.err());
    }
  }

  // ---- where a save goes ---------------------------------------------------------------------

  @Test
  void aSaveThroughASymlinkReplacesItsTargetAndKeepsTheLink() throws IOException {
    Path link = dir.resolve("link.img");
    Files.createSymbolicLink(link, image.getFileName());
    CliRun r = write(link, "b");
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.isSymbolicLink(link), "the link is still a link");
    assertHas(image, "a", "b");
  }

  @Test
  void aSaveKeepsTheModeAndOwner() throws IOException {
    Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-r-----"));
    if (isRoot()) {
      Files.setAttribute(image, "unix:uid", 4321);
      Files.setAttribute(image, "unix:gid", 4322);
    }
    Object uid = Files.getAttribute(image, "unix:uid");
    Object gid = Files.getAttribute(image, "unix:gid");
    assertEquals(0, write(image, "b").exit());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(image)));
    assertEquals(uid, Files.getAttribute(image, "unix:uid"));
    assertEquals(gid, Files.getAttribute(image, "unix:gid"));
  }

  @Test
  void anImageWithHardLinksIsNotSavedOverButCanBeRead() throws IOException {
    Path other = dir.resolve("other.img");
    Files.createLink(other, image);
    byte[] before = Files.readAllBytes(image);
    CliRun r = write(image, "b");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("has 2 hard links"), r.err());
    assertEquals("", r.out(), "refused before any work");
    assertArrayEquals(before, Files.readAllBytes(other));
    assertHas(other, "a");
  }

  @Test
  void staleTemporaryFilesOfAKilledSaveAreRemovedAndOthersKept() throws IOException {
    Path stale = dir.resolve(".m.img.0123456789abcdef.tmp");
    Path notOurs = dir.resolve(".m.img.notours.tmp");
    Files.write(stale, new byte[4096]);
    Files.write(notOurs, new byte[1]);
    assertEquals(0, write(image, "b").exit());
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(notOurs));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.filter(p -> p.getFileName().toString().matches("\\.m\\.img\\.[0-9a-f]{16}"
          + "\\.tmp")).count());
    }
  }

  // ---- refused before any work ---------------------------------------------------------------

  private void assertRefusedBeforeWork(Path img, String why) {
    CliRun r = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--image", img.toString(), "-f",
        "-c", "pwrite 0 4k", "x");
    assertEquals(1, r.exit(), r.err());
    assertEquals("", r.out(), "nothing ran");
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("vfsim: " + img) && r.err().contains(why), r.err());
  }

  @Test
  void aDirectoryFifoOrDeviceIsNoImage() throws Exception {
    Path d = Files.createDirectory(dir.resolve("d"));
    assertRefusedBeforeWork(d, "Is a directory");
    Path fifo = dir.resolve("fifo");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, p.waitFor());
    assertRefusedBeforeWork(fifo, "a FIFO"); // once hung forever, reading it
    assertRefusedBeforeWork(Path.of("/dev/zero"), "a character device");
    assertRefusedBeforeWork(Path.of("/dev/null"), "a character device");
  }

  @Test
  void aMissingOrUnwritableFolderIsFoundBeforeTheWorkload() throws IOException {
    Path missing = dir.resolve("no/such/folder/m.img");
    assertRefusedBeforeWork(missing, "No such file or directory");
    assertFalse(Files.exists(dir.resolve("no")));
    Path file = Files.write(dir.resolve("plain"), new byte[1]);
    assertRefusedBeforeWork(file.resolve("m.img"), "Not a directory");
    Assumptions.assumeFalse(isRoot(), "root writes into any folder");
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    assertRefusedBeforeWork(ro.resolve("m.img"), "not writable");
  }

  @Test
  void aLargeFileThatIsNoImageIsRefusedWithoutReadingIt() throws IOException {
    // 3 GiB sparse: once read whole into one array (OutOfMemoryError).
    Path big = dir.resolve("big");
    try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 3L << 30);
    }
    assertRefusedBeforeWork(big, "not a vfsim machine image");
  }

  @Test
  void aFullHostDiskIsTheHostsErrorNotTheSimulatedEnospc() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root to mount a small tmpfs");
    Path small = Files.createDirectory(dir.resolve("small"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs",
        small.toString()).redirectErrorStream(true).start();
    Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here");
    try {
      Path img = small.resolve("m.img");
      CliRun r = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--image", img.toString(),
          "-f", "-c", "pwrite -S 0x41 0 1m", "x");
      assertEquals(1, r.exit());
      assertEquals("vfsim: " + img + ": saving the image failed on the host: No space left on"
          + " device (a host error, not the simulated device's; the image is unchanged)\n",
          r.err());
      assertFalse(Files.exists(img));
      try (Stream<Path> left = Files.list(small)) {
        assertEquals(java.util.List.of(".m.img.lock"),
            left.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
      }
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }

  // ---- streaming -----------------------------------------------------------------------------

  @Test
  void devicesLargerThan2GiBSaveAndLoadBlockByBlock() {
    long size = 8L << 30;
    BlockDevice dev = new BlockDevice("big", size, 4096, false, 0);
    long[] where = {0, (3L << 30) / 4096 + 7, size / 4096 - 1};
    for (int i = 0; i < where.length; i++) {
      byte[] b = new byte[4096];
      Arrays.fill(b, (byte) (0x30 + i));
      dev.write(where[i], b, 0, 1, IoKind.METADATA);
    }
    Path img = dir.resolve("big.img");
    MachineImage.Target t = MachineImage.check(img, true);
    MachineImage.write(t, dev, new ImageTrailer("toyfs", "", "", 5, size, 4096, false));
    t = MachineImage.check(img, false);
    ImageTrailer back = MachineImage.readTrailer(t);
    assertEquals(size, back.deviceBytes());
    BlockDevice copy = new BlockDevice("big", size, 4096, false, 0);
    MachineImage.readBlocks(t, back, copy);
    assertEquals(dev.contentSnapshot().keySet(), copy.contentSnapshot().keySet());
    for (long w : where) {
      assertArrayEquals(dev.contentSnapshot().get(w), copy.contentSnapshot().get(w));
    }
    long data = 0;
    for (long[] r : SparseFile.dataRanges(img, size)) {
      data += r[1] - r[0];
    }
    assertTrue(data < 1 << 20, "a sparse image: " + data + " bytes of data on the host");
  }

  @Test
  void aDatalessImageKeepsMetadataOnlyAndSaysSo() throws IOException {
    Path img = dir.resolve("dl.img");
    CliRun r = CliRun.of("io", "--fs", "toyfs", "--size", "64m", "--dataless", "--image",
        img.toString(), "-f", "-c", "pwrite -S 0x41 0 1m", "-c", "fsync", "-c", "counters", "f");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("(dataless: file data not stored"), r.out());
    ImageTrailer t = MachineImage.readTrailer(MachineImage.check(img, false));
    assertTrue(t.dataless());
    long data = 0;
    for (long[] range : SparseFile.dataRanges(img, t.deviceBytes())) {
      data += range[1] - range[0];
    }
    assertTrue(data < 1 << 20, "no file data in the image: " + data);
    CliRun again = CliRun.of("io", "--image", img.toString(), "-c", "pread -v 0 4", "-c",
        "stat", "f");
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("00000000:  00 00 00 00  ...."), again.out());
    assertTrue(again.out().contains("stat.size = 1048576"), again.out());
  }

  // ---- the lock ------------------------------------------------------------------------------

  /** An output stream that counts {@code latch} down once {@code text} has been written. */
  private static PrintStream watching(ByteArrayOutputStream sink, String text,
      CountDownLatch latch) {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        sink.write(b);
        if (sink.toString(StandardCharsets.UTF_8).contains(text)) {
          latch.countDown();
        }
      }
    }, true, StandardCharsets.UTF_8);
  }

  @Test
  void twoConcurrentWritersTakeTurnsAndBothFilesAreKept() throws Exception {
    // Writer A holds the image (it is reading its commands); B starts, must wait, and runs on
    // A's saved image once A is done. Before the lock, B's save was lost under A's rename.
    PipedOutputStream toA = new PipedOutputStream();
    PipedInputStream pipe = new PipedInputStream(toA);
    CountDownLatch aRunning = new CountDownLatch(1);
    InputStream aIn = new InputStream() {
      @Override
      public int read() throws IOException {
        aRunning.countDown();
        return pipe.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        aRunning.countDown();
        return pipe.read(b, off, len);
      }
    };
    ByteArrayOutputStream aErr = new ByteArrayOutputStream();
    int[] status = new int[2];
    Thread a = new Thread(() -> status[0] = Vfsim.execute(new String[] {"io", "--image",
        image.toString(), "-f", "big"}, aIn, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(aErr), false));
    a.start();
    assertTrue(aRunning.await(60, TimeUnit.SECONDS), "A reads its commands");
    CountDownLatch bWaits = new CountDownLatch(1);
    ByteArrayOutputStream bErr = new ByteArrayOutputStream();
    Thread b = new Thread(() -> status[1] = Vfsim.execute(new String[] {"io", "--image",
        image.toString(), "-f", "-c", "pwrite -S 0x62 0 4k", "-c", "fsync", "b"},
        InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
        watching(bErr, "waiting for it to finish", bWaits), false));
    b.start();
    assertTrue(bWaits.await(60, TimeUnit.SECONDS), "B waits: " + bErr);
    toA.write("pwrite -S 0x61 0 1m\nfsync\n".getBytes(StandardCharsets.UTF_8));
    toA.close();
    a.join();
    b.join();
    assertEquals(0, status[0], aErr.toString());
    assertEquals(0, status[1], bErr.toString());
    assertTrue(bErr.toString().contains("vfsim: " + image + " is in use by another vfsim run"),
        bErr.toString());
    assertHas(image, "a", "big", "b");
  }

  /** Another process holding the image's lock until {@link Process#getOutputStream} closes. */
  private Process holdLock(boolean shared) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), ImageLock.lockFileOf(image.toRealPath()).toString(),
        shared ? "shared" : "exclusive").redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    assertEquals("locked", r.readLine());
    return p;
  }

  @Test
  void noWaitFailsAtOnceWhileAnotherProcessHoldsTheLock() throws Exception {
    byte[] before = Files.readAllBytes(image);
    Process holder = holdLock(false);
    try {
      CliRun w = CliRun.of("io", "--no-wait", "--image", image.toString(), "-f", "-c",
          "pwrite 0 4k", "b");
      assertEquals(1, w.exit());
      assertEquals("vfsim: " + image + ": in use by another vfsim run (--no-wait given)\n",
          w.err());
      assertEquals("", w.out());
      CliRun ro = CliRun.of("io", "-r", "--no-wait", "--image", image.toString(), "-c", "stat",
          "a");
      assertEquals(1, ro.exit(), "an exclusive holder keeps readers out too");
    } finally {
      holder.getOutputStream().close();
      assertEquals(0, holder.waitFor());
    }
    assertArrayEquals(before, Files.readAllBytes(image));
  }

  @Test
  void readOnlyRunsShareTheLockAndNeverRewriteTheImage() throws Exception {
    byte[] before = Files.readAllBytes(image);
    long modified = Files.getLastModifiedTime(image).toMillis();
    Process reader = holdLock(true);
    try {
      CliRun ro = CliRun.of("io", "-r", "--no-wait", "--image", image.toString(), "-c",
          "pread -v 0 2", "a");
      assertEquals(0, ro.exit(), ro.err());
      assertTrue(ro.out().contains("00000000:  41 41  AA"), ro.out());
      CliRun w = CliRun.of("io", "--no-wait", "--image", image.toString(), "-c", "pwrite 0 1",
          "a");
      assertEquals(1, w.exit(), "a writer needs the lock alone");
    } finally {
      reader.getOutputStream().close();
      assertEquals(0, reader.waitFor());
    }
    assertArrayEquals(before, Files.readAllBytes(image));
    assertEquals(modified, Files.getLastModifiedTime(image).toMillis());
  }
}
