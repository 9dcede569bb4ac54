package org.vfsim.nio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The conformance suite on the JDK's own filesystem in tmpfs: the expectations are what a Linux
 * JDK really does, not what vfs-nio happens to do.
 */
class LinuxTmpfsFilesTest extends FilesConformance {
  private Path dir;

  @BeforeEach
  void makeDirectory() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(System.getProperty("os.name").equals("Linux") && Files.isDirectory(shm),
        "needs Linux with /dev/shm");
    dir = Files.createTempDirectory(shm, "vfs-nio-conformance");
    // The suite's program is root with umask 022, as vfs-nio's is (and CI's).
    Path probe = Files.createFile(dir.resolve("probe"));
    boolean likeVfsim = Files.getOwner(probe).getName().equals("root")
        && PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)).equals("rw-r--r--");
    Files.delete(probe);
    assumeTrue(likeVfsim, "needs to run as root with umask 022");
  }

  @AfterEach
  void removeDirectory() throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Override
  Path root() {
    return dir;
  }
}
