package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code vfsim io} process killed with SIGKILL halfway through writing its temporary
 * file: the image is still the complete old one, and the next run (read-only or not) removes
 * the temporary file with one line. The save pauses at the halfway point by a test-only system
 * property and says so, so the kill lands there by design, not by timing.
 */
class KilledSaveTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aSaveKilledHalfwayLeavesTheOldImageAndTheNextRunCleansUp() throws Exception {
    Path image = dir.resolve("m.img");
    CliRun first = CliRun.of("io", "--fs", "toyfs", "--size", "16m", "--image",
        image.toString(), "-f", "-c", "pwrite -S 0x41 0 8k", "a");
    assertEquals(0, first.exit(), first.err());
    byte[] old = Files.readAllBytes(image);

    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
        "-Dvfsim.test.pauseSave=true", "-cp",
        System.getProperty("java.class.path"), Vfsim.class.getName(), "io", "--image",
        image.toString(), "-f", "-c", "pwrite -S 0x63 0 4m", "-c", "fsync", "big")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
        StandardCharsets.UTF_8));
    String prefix = "vfsim: save paused halfway through ";
    // The JVM may warn first (native access); the save's line is the one that matters.
    StringBuilder before = new StringBuilder();
    String line;
    while ((line = err.readLine()) != null && !line.startsWith(prefix)) {
      before.append(line).append('\n');
    }
    assertTrue(line != null, "the save says it paused; it said:\n" + before);
    Path tmp = Path.of(line.substring(prefix.length()));
    assertTrue(tmp.getFileName().toString().matches("\\.m\\.img\\.[0-9a-f]{16}\\.tmp"), line);
    assertTrue(Files.size(tmp) > 0, "the temporary file is half written");
    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertNotEquals(0, p.exitValue());
    assertTrue(Files.exists(tmp), "a killed save leaves its temporary file");

    // The image is the complete old one: byte for byte, and it loads (trailer and CRC) with
    // its file and without the killed run's.
    assertArrayEquals(old, Files.readAllBytes(image));
    // The next run (here a read-only one; a writer alike) removes the temporary file, saying so.
    CliRun a = CliRun.of("io", "-r", "--image", image.toString(), "-c", "pread -v 8190 2", "a");
    assertEquals(0, a.exit(), a.err());
    assertTrue(a.out().contains("00001ffe:  41 41  AA"), a.out());
    assertFalse(Files.exists(tmp), "the next run removes the stale temporary file");
    assertTrue(a.err().startsWith("vfsim: removed " + tmp + " ("), a.err());
    assertEquals(1, a.err().lines().count(), a.err());
    CliRun big = CliRun.of("io", "-r", "--image", image.toString(), "-c", "stat", "big");
    assertEquals(1, big.exit(), "the killed run's file is not in the old image");

    CliRun next = CliRun.of("io", "--image", image.toString(), "-f", "-c",
        "pwrite -S 0x62 0 4k", "-c", "fsync", "b");
    assertEquals(0, next.exit(), next.err());
    assertEquals("", next.err());
    try (var s = Files.list(dir)) {
      assertEquals(0, s.filter(f -> f.getFileName().toString().endsWith(".tmp")).count());
    }
    CliRun b = CliRun.of("io", "-r", "--image", image.toString(), "-c", "pread -v 0 1", "b");
    assertEquals(0, b.exit(), b.err());
    assertTrue(b.out().contains("00000000:  62  b"), b.out());
  }
}
