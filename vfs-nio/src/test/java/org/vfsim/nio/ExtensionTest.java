package org.vfsim.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit extension: a fresh filesystem per test, parameters, and the power switch. */
class ExtensionTest {
  @RegisterExtension
  final VfsimExtension vfsim = VfsimExtension.of(Config.forPlugin("xfsish")
      .deviceBytes(16L << 20).seed(11));

  @Test
  void eachTestStartsEmpty(FileSystem fs) throws IOException {
    assertTrue(fs.isOpen());
    try (var s = Files.list(fs.getPath("/"))) {
      assertEquals(0, s.count());
    }
    Files.writeString(fs.getPath("/left-behind"), "x"); // the next test must not see it
  }

  @Test
  void eachTestStartsEmptyToo(FileSystem fs) throws IOException {
    eachTestStartsEmpty(fs);
  }

  @Test
  void powerCycleReplacesTheFilesystem(FileSystem fs, Faults faults) throws IOException {
    try (FileChannel ch = FileChannel.open(fs.getPath("/synced"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
      ch.write(ByteBuffer.wrap("O_SYNC".getBytes(UTF_8))); // durable without force
    }
    try (FileChannel dir = FileChannel.open(fs.getPath("/"), StandardOpenOption.READ)) {
      dir.force(true);
    }
    Files.writeString(fs.getPath("/unsynced"), "gone");
    FileSystem after = vfsim.powerCycle();
    assertNotSame(fs, after);
    assertEquals(after, vfsim.fileSystem());
    assertThrows(PowerCutException.class, () -> Files.readString(fs.getPath("/synced")));
    assertEquals("O_SYNC", Files.readString(vfsim.path("/synced")));
    assertFalse(Files.exists(vfsim.path("/unsynced")));
  }

  @Test
  void threadsAreSerializedAndAllWritesLand(FileSystem fs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Path file = fs.getPath("/t" + t);
        int id = t;
        done.add(pool.submit(() -> {
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
              StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < 200; i++) {
              ch.write(ByteBuffer.wrap(("" + id).getBytes(UTF_8)));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int t = 0; t < 4; t++) {
      assertEquals(("" + t).repeat(200), Files.readString(fs.getPath("/t" + t)));
    }
  }
}
