package org.vfsim.nio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;
import org.vfsim.nio.Config;
import org.vfsim.nio.VfsimFileSystems;

/**
 * Worked example 1 as a test: every record {@link WriteAheadLog#commit} returned from survives
 * a power cut right after it, on each plugin with a device; the planted log without
 * {@code force(true)} is caught.
 */
class WalExampleTest {
  @FunctionalInterface
  interface LogFactory {
    WriteAheadLog open(Path file) throws IOException;
  }

  /**
   * The checker: commit records, leave a half-written one behind, cut the power (keeping a
   * seeded random subset of the unflushed writes when {@code torn}), reboot and recover. Every
   * committed record must come back, in order, and nothing else but possibly the last one.
   */
  static void checkSurvivesPowerCut(String plugin, LogFactory factory, long seed, boolean torn)
      throws IOException {
    Config config = Config.forPlugin(plugin).deviceBytes(16L << 20).seed(seed);
    System.out.println("vfsim: " + config + " torn=" + torn);
    FileSystem fs = VfsimFileSystems.newFileSystem(config);
    Path wal = fs.getPath("/wal");
    List<String> committed = new ArrayList<>();
    WriteAheadLog log = factory.open(wal);
    for (int i = 0; i < 20; i++) {
      String record = "record " + i + " " + "x".repeat(i * 300);
      log.commit(record);
      committed.add(record);
    }
    try (FileChannel tail = FileChannel.open(wal, StandardOpenOption.APPEND)) {
      tail.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 100, 1, 2})); // a record being written
    }
    if (torn) {
      VfsimFileSystems.faults(fs).powerCutKeepingRandomWrites();
    } else {
      VfsimFileSystems.faults(fs).powerCut();
    }
    log.close();
    FileSystem after = VfsimFileSystems.reboot(fs);
    List<String> recovered = WriteAheadLog.recover(after.getPath("/wal"));
    after.close();
    assertEquals(committed, recovered, "committed records after a power cut on " + plugin);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void committedRecordsSurviveAPowerCut(String plugin) throws IOException {
    checkSurvivesPowerCut(plugin, WriteAheadLog::new, 1, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void committedRecordsSurviveATornPowerCut(String plugin) throws IOException {
    for (long seed = 1; seed <= 3; seed++) {
      checkSurvivesPowerCut(plugin, WriteAheadLog::new, seed, true);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void theCheckerCatchesALogWithoutForce(String plugin) {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> checkSurvivesPowerCut(plugin, Planted.UnforcedLog::new, 1, false));
    assertTrue(e.getMessage().contains("committed records"), e.getMessage());
  }
}
