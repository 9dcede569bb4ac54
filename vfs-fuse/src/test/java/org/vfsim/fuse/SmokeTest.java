package org.vfsim.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmokeTest {
  @TempDir
  Path tmp;

  @Test
  void writeReadThroughMount() throws Exception {
    try (MountedPlugin p = MountedPlugin.start("ext2ish", 64L << 20, tmp)) {
      Programs.Result r = Programs.sh(p.dir, 60,
          "set -e; echo hello > a; mkdir d; cp a d/b; cat d/b; ls -la; stat a; df .; "
              + "cat .vfsim/counters | head -5");
      assertEquals(0, r.status(), r.output());
      assertTrue(r.output().startsWith("hello"), r.output());
      assertEquals("hello\n", Files.readString(p.dir.resolve("d/b")));
    }
  }
}
