package org.vfsim.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.syscall.Errno;

/** The fault API on each plugin: power cuts, failing writes and fsyncs, ENOSPC, EIO. */
class FaultsTest {
  private static FileSystem newFs(String plugin) throws IOException {
    Config c = Config.forPlugin(plugin).deviceBytes(16L << 20).seed(42);
    System.out.println("vfsim: " + c);
    return VfsimFileSystems.newFileSystem(c);
  }

  private static FileChannel create(Path p) throws IOException {
    return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
  }

  private static void forceDir(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void powerCutKeepsWhatWasForcedAndLosesTheRest(String plugin) throws IOException {
    FileSystem fs = newFs(plugin);
    Path durable = fs.getPath("/durable");
    Path volatileFile = fs.getPath("/volatile");
    try (FileChannel ch = create(durable)) {
      ch.write(ByteBuffer.wrap("kept".getBytes(UTF_8)));
      ch.force(true);
    }
    forceDir(fs.getPath("/"));
    Files.writeString(volatileFile, "lost");
    FileChannel open = FileChannel.open(durable, StandardOpenOption.READ);
    VfsimFileSystems.faults(fs).powerCut();

    PowerCutException e = assertThrows(PowerCutException.class,
        () -> open.read(ByteBuffer.allocate(4)));
    assertTrue(e.getMessage().contains("power was cut"), e.getMessage());
    assertThrows(PowerCutException.class, () -> open.force(true));
    assertThrows(PowerCutException.class, () -> Files.readString(durable));
    open.close(); // closing after the cut is quiet: the process died with the machine

    FileSystem after = VfsimFileSystems.reboot(fs);
    assertEquals("kept", Files.readString(after.getPath("/durable")));
    assertFalse(Files.exists(after.getPath("/volatile")), "never synced, so never on media");
    after.close();
  }

  @Test
  void cleanCloseMakesEverythingDurable() throws IOException {
    FileSystem fs = newFs("xfsish");
    Files.writeString(fs.getPath("/f"), "written, never forced");
    fs.close();
    FileSystem after = VfsimFileSystems.reboot(fs);
    assertEquals("written, never forced", Files.readString(after.getPath("/f")));
    after.close();
  }

  @Test
  void rebootOfARunningFilesystemIsRefused() throws IOException {
    FileSystem fs = newFs("ext2ish");
    assertThrows(IllegalStateException.class, () -> VfsimFileSystems.reboot(fs));
    fs.close();
  }

  @Test
  void ramfsComesBackEmpty() throws IOException {
    FileSystem fs = newFs("ramfs");
    Files.writeString(fs.getPath("/f"), "in RAM");
    FileSystem after = VfsimFileSystems.powerCycle(fs);
    try (Stream<Path> s = Files.list(after.getPath("/"))) {
      assertEquals(0, s.count());
    }
    after.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish", "ramfs"})
  void nextWritesFailThenWritesWork(String plugin) throws IOException {
    FileSystem fs = newFs(plugin);
    Faults faults = VfsimFileSystems.faults(fs);
    faults.failNextWrites(2, Errno.ENOSPC);
    try (FileChannel ch = create(fs.getPath("/f"))) {
      for (int i = 0; i < 2; i++) {
        IOException e = assertThrows(IOException.class,
            () -> ch.write(ByteBuffer.wrap("x".getBytes(UTF_8))));
        assertEquals("No space left on device", e.getMessage());
      }
      assertEquals(0, ch.size(), "a failed write writes nothing");
      assertEquals(3, ch.write(ByteBuffer.wrap("abc".getBytes(UTF_8))));
    }
    assertEquals("abc", Files.readString(fs.getPath("/f")));
    assertEquals(2, faults.fired());
    faults.failNextWrites(1, Errno.EIO);
    IOException eio = assertThrows(IOException.class,
        () -> Files.writeString(fs.getPath("/g"), "y"));
    assertEquals("Input/output error", eio.getMessage());
    fs.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void failedFsyncLeavesDataVolatile(String plugin) throws IOException {
    FileSystem fs = newFs(plugin);
    forceDir(fs.getPath("/"));
    try (FileChannel ch = create(fs.getPath("/f"))) {
      forceDir(fs.getPath("/"));
      ch.write(ByteBuffer.wrap("data".getBytes(UTF_8)));
      VfsimFileSystems.faults(fs).failNextFsyncs(1, Errno.EIO);
      IOException e = assertThrows(IOException.class, () -> ch.force(true));
      assertEquals("Input/output error", e.getMessage());
    }
    FileSystem after = VfsimFileSystems.powerCycle(fs);
    assertEquals(0, Files.size(after.getPath("/f")), "the fsync failed: the data is not durable");
    after.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish", "ramfs"})
  void fillDeviceLeavesNoSpaceUntilReleased(String plugin) throws IOException {
    FileSystem fs = newFs(plugin);
    Faults faults = VfsimFileSystems.faults(fs);
    long taken = faults.fillDevice();
    assertTrue(taken > (8L << 20), "a 16 MiB filesystem took only " + taken);
    try (Stream<Path> s = Files.list(fs.getPath("/"))) {
      assertEquals(0, s.count(), "the filler is not visible to the program");
    }
    IOException e = assertThrows(IOException.class, () -> {
      try (FileChannel ch = create(fs.getPath("/f"))) {
        ch.write(ByteBuffer.allocate(256 << 10));
        ch.force(true);
      }
    });
    assertEquals("No space left on device", e.getMessage());
    faults.releaseFill();
    try (FileChannel ch = create(fs.getPath("/f"))) {
      ch.write(ByteBuffer.allocate(256 << 10));
      ch.force(true);
    }
    assertEquals(256 << 10, Files.size(fs.getPath("/f")));
    fs.close();
  }

  @Test
  void readsOfABadRangeFail() throws IOException {
    FileSystem fs = newFs("ext2ish");
    Path f = fs.getPath("/f");
    Files.write(f, new byte[3 * 4096]);
    VfsimFileSystems.faults(fs).failReads(f, 4096, 4096);
    try (FileChannel ch = FileChannel.open(f)) {
      assertEquals(4096, ch.read(ByteBuffer.allocate(4096), 0));
      IOException e = assertThrows(IOException.class,
          () -> ch.read(ByteBuffer.allocate(10), 5000));
      assertEquals("Input/output error", e.getMessage());
      assertEquals(4096, ch.read(ByteBuffer.allocate(4096), 8192));
    }
    assertThrows(IOException.class, () -> Files.readAllBytes(f));
    VfsimFileSystems.faults(fs).clear();
    assertArrayEquals(new byte[3 * 4096], Files.readAllBytes(f));
    fs.close();
  }

  /** A cut keeping a seeded subset of unflushed writes leaves the same state for the same seed. */
  @Test
  void randomPowerCutIsAFunctionOfTheSeed() throws IOException {
    String first = tornState(7);
    assertEquals(first, tornState(7));
    // Different seeds may tear differently; that is not asserted, only replayability.
  }

  private static String tornState(long seed) throws IOException {
    FileSystem fs = VfsimFileSystems.newFileSystem(Config.forPlugin("ext2ish").seed(seed)
        .deviceBytes(16L << 20));
    for (int i = 0; i < 8; i++) {
      Files.writeString(fs.getPath("/f" + i), "content " + i);
    }
    VfsimFileSystems.sleep(fs, java.time.Duration.ofSeconds(40)); // writeback, no flush
    VfsimFileSystems.faults(fs).powerCutKeepingRandomWrites();
    FileSystem after = VfsimFileSystems.reboot(fs);
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(after.getPath("/")).sorted()) {
      for (Path p : (Iterable<Path>) s::iterator) {
        sb.append(p).append('=').append(Files.readString(p)).append(';');
      }
    }
    after.close();
    return sb.toString();
  }

  @Test
  void uriEnvironmentMakesAFilesystem() throws IOException {
    URI uri = URI.create("vfsim://uri-test");
    try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of("plugin", "btrfsish",
        "deviceBytes", 16L << 20, "seed", 3))) {
      Files.writeString(fs.getPath("/x"), "y");
      assertEquals("y", Files.readString(Path.of(URI.create("vfsim://uri-test/x"))));
      assertEquals("btrfsish", Files.getFileStore(fs.getPath("/")).type());
      assertNotEquals(0, Files.getFileStore(fs.getPath("/")).getTotalSpace());
    }
    assertThrows(java.nio.file.FileSystemNotFoundException.class,
        () -> FileSystems.getFileSystem(uri));
  }
}
