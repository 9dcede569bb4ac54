package org.vfsim.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite on a vfsim filesystem (one subclass per plugin), plus what only a vfsim
 * filesystem can be asked: its root is the filesystem's root and the working directory, its
 * space fills up, it has no links, no watch service and no mapped buffers.
 */
abstract class VfsimFilesConformance extends FilesConformance {
  @RegisterExtension
  final VfsimExtension vfsim = VfsimExtension.of(config());

  /** The filesystem under test. */
  abstract Config config();

  @Override
  Path root() {
    return vfsim.fileSystem().getPath("/");
  }

  @Override
  void letTimePass() throws IOException {
    VfsimFileSystems.sleep(fs(), Duration.ofSeconds(2)); // past any s_time_gran
  }

  @Test
  void relativePathsResolveAgainstTheRoot() throws IOException {
    Files.createDirectory(path("rel"));
    assertTrue(Files.isDirectory(path("/rel")));
    assertEquals(path("/rel"), path("rel").toRealPath());
    assertEquals(path("/rel"), path("/rel/../rel/.").toRealPath());
    assertEquals(path("/"), path("/..").toRealPath());
    assertThrows(NoSuchFileException.class, () -> path("/nothing").toRealPath());
  }

  @Test
  void theRootCannotBeDeletedOrMoved() {
    FileSystemException del = assertThrows(FileSystemException.class,
        () -> Files.delete(path("/")));
    assertEquals("Device or resource busy", del.getReason());
    FileSystemException mv = assertThrows(FileSystemException.class,
        () -> Files.move(path("/"), path("/x")));
    assertEquals("Device or resource busy", mv.getReason());
  }

  // ---- store and space -----------------------------------------------------------------------

  @Test
  void fileStoreReportsStatfs() throws IOException {
    FileStore store = Files.getFileStore(p("/"));
    assertEquals(config().plugin(), store.type());
    assertTrue(store.getTotalSpace() > 0);
    long before = store.getUsableSpace();
    assertTrue(before <= store.getTotalSpace());
    try (FileChannel ch = FileChannel.open(p("/big"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(1 << 20));
      ch.force(true);
    }
    assertTrue(store.getUsableSpace() <= before - (1 << 20),
        "1 MiB written and synced is allocated: " + before + " -> " + store.getUsableSpace());
  }

  @Test
  void fillingTheFilesystemIsNoSpaceLeft() throws IOException {
    IOException e = assertThrows(IOException.class, () -> {
      try (FileChannel ch = FileChannel.open(p("/huge"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        for (long i = 0; i <= config().deviceBytes() >> 20; i++) {
          chunk.clear();
          ch.write(chunk);
        }
        ch.force(true);
      }
    });
    assertEquals("No space left on device", e.getMessage());
  }

  // ---- unsupported ---------------------------------------------------------------------------

  @Test
  void linksAreRefusedAsTheKernelDoesWithoutLinkOperations() throws IOException {
    Files.createFile(p("/f"));
    FileSystemException hard = assertThrows(FileSystemException.class,
        () -> Files.createLink(p("/l"), p("/f")));
    assertEquals("Operation not permitted", hard.getReason());
    FileSystemException sym = assertThrows(FileSystemException.class,
        () -> Files.createSymbolicLink(p("/s"), p("/f")));
    assertEquals("Operation not permitted", sym.getReason());
    assertThrows(NotLinkException.class, () -> Files.readSymbolicLink(p("/f")));
    assertFalse(Files.isSymbolicLink(p("/f")));
  }

  @Test
  void watchServiceAndMapAreUnsupported() throws IOException {
    assertThrows(UnsupportedOperationException.class, () -> fs().newWatchService());
    Files.writeString(p("/f"), "x");
    try (FileChannel ch = FileChannel.open(p("/f"))) {
      assertThrows(UnsupportedOperationException.class,
          () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1));
    }
  }
}
