package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vfsim mount}: bad input in one line with nothing mounted; a mount kept in an image. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MountCommandTest {
  @TempDir
  Path tmp;

  private static boolean mounted(Path dir) throws IOException {
    String real = dir.toRealPath().toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .anyMatch(l -> l.split(" ")[4].equals(real));
  }

  private void refused(String expected, String... args) throws IOException {
    CliRun r = CliRun.of(args);
    assertEquals(1, r.exit(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("vfsim: ") && r.err().contains(expected), r.err());
    assertEquals("", r.out());
  }

  @Test
  void badMountPointsAndTypesAreOneLineAndMountNothing() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Path dir = Files.createDirectory(tmp.resolve("dir"));
    refused(tmp.resolve("missing") + ": No such file or directory", "mount", "--fs", "ext2ish",
        tmp.resolve("missing").toString());
    refused(file + ": Not a directory", "mount", "--fs", "ext2ish", file.toString());
    refused("/proc: already a mount point", "mount", "--fs", "ext2ish", "/proc");
    if (Files.exists(Path.of("/dev/fuse"))) {
      refused("unknown filesystem type 'nosuchfs'", "mount", "--fs", "nosuchfs",
          dir.toString());
      refused("--image needs a filesystem on a block device", "mount", "--fs", "ramfs",
          "--image", tmp.resolve("img").toString(), dir.toString());
    } else {
      refused("/dev/fuse: No such file or directory", "mount", "--fs", "ext2ish",
          dir.toString());
    }
    assertFalse(mounted(dir));
  }

  /** --background returns once mounted; the image keeps the files across unmount and mount. */
  @Test
  void backgroundMountKeepsFilesInItsImage() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse here: FUSE tests skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/fusermount3")), "fusermount3 missing");
    Path dir = Files.createDirectory(tmp.resolve("mnt"));
    Path image = tmp.resolve("m.img");
    try {
      long server = mountInBackground(dir, image);
      Files.writeString(dir.resolve("kept"), "across mounts\n");
      // The server holds the image's lock until it has saved: a second run cannot replace it.
      CliRun other = CliRun.of("io", "--no-wait", "--image", image.toString(), "-f", "-c",
          "pwrite 0 4k", "other");
      assertEquals(1, other.exit(), other.err());
      assertEquals("vfsim: " + image + ": in use by another vfsim run (--no-wait given)\n",
          other.err());
      unmountAndWait(dir, server);
      assertTrue(Files.size(image) > 0);
      server = mountInBackground(dir, image);
      assertEquals("across mounts\n", Files.readString(dir.resolve("kept")));
      unmountAndWait(dir, server);
      assertFalse(mounted(dir));
    } finally {
      if (mounted(dir)) {
        new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private long mountInBackground(Path dir, Path image) throws IOException {
    CliRun r = CliRun.of("mount", "--fs", "btrfsish", "--size", "64m", "--image",
        image.toString(), "--background", dir.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(mounted(dir), r.err());
    Matcher m = Pattern.compile("server pid (\\d+)").matcher(r.err());
    assertTrue(m.find(), r.err());
    return Long.parseLong(m.group(1));
  }

  private static void unmountAndWait(Path dir, long server) throws Exception {
    Process u = new ProcessBuilder("fusermount3", "-u", dir.toString()).inheritIO().start();
    assertTrue(u.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, u.exitValue());
    // The server saves the image, then exits.
    ProcessHandle.of(server).ifPresent(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join());
  }
}
