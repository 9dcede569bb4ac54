package org.vfsim.nio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;
import org.vfsim.nio.Config;
import org.vfsim.nio.Faults;
import org.vfsim.nio.VfsimFileSystems;
import org.vfsim.syscall.Errno;

/**
 * Worked example 2 as a test: on a full filesystem, {@link SettingsStore#save} fails with
 * "No space left on device", keeps the previous document and leaves nothing behind, then works
 * once space is back; the planted in-place and leaky stores are caught.
 */
class EnospcExampleTest {
  private static final String BIG = "setting=value\n".repeat(80_000); // about 1.1 MB

  /** The checker, with the space taken by a real fill ({@code fill}) or an injected ENOSPC. */
  static void checkHandlesEnospc(String plugin, Function<Path, SettingsStore> factory,
      boolean fill) throws IOException {
    Config config = Config.forPlugin(plugin).deviceBytes(16L << 20).seed(5);
    System.out.println("vfsim: " + config + " fill=" + fill);
    try (FileSystem fs = VfsimFileSystems.newFileSystem(config)) {
      Faults faults = VfsimFileSystems.faults(fs);
      Path file = fs.getPath("/settings");
      SettingsStore store = factory.apply(file);
      Files.writeString(file, "v1");
      if (fill) {
        faults.fillDevice();
      } else {
        faults.failNextWrites(1, Errno.ENOSPC);
      }
      IOException e = assertThrows(IOException.class, () -> store.save(BIG));
      assertEquals("No space left on device", e.getMessage());
      assertEquals("v1", store.load(), "the previous document after ENOSPC on " + plugin);
      try (Stream<Path> s = Files.list(fs.getPath("/"))) {
        assertEquals(List.of(file), s.toList(), "nothing left behind after ENOSPC");
      }
      faults.releaseFill();
      store.save(BIG);
      assertEquals(BIG, store.load());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish", "ramfs"})
  void fullDeviceKeepsTheOldDocument(String plugin) throws IOException {
    checkHandlesEnospc(plugin, SettingsStore::new, true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish", "ramfs"})
  void injectedEnospcKeepsTheOldDocument(String plugin) throws IOException {
    checkHandlesEnospc(plugin, SettingsStore::new, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish", "ramfs"})
  void theCheckerCatchesAnInPlaceSave(String plugin) {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> checkHandlesEnospc(plugin, Planted.InPlaceStore::new, true));
    assertEquals(true, e.getMessage().contains("previous document"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish", "ramfs"})
  void theCheckerCatchesALeakedTemporaryFile(String plugin) {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> checkHandlesEnospc(plugin, Planted.LeakyStore::new, false));
    assertEquals(true, e.getMessage().contains("nothing left behind"), e.getMessage());
  }
}
