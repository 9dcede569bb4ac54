package org.vfsim.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The host-file model checker through the mount, and on a host directory with a planted bug. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HostFsxTest {
  static final long SEED = 20261203L;
  static final long OPS = 2000;

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void everyOperationChecksOutThroughTheMount(String fs) throws Exception {
    try (MountedPlugin p = MountedPlugin.start(fs, 64L << 20, tmp)) {
      HostFsx.Result r = new HostFsx(new HostIo(), p.dir, SEED).run(OPS);
      System.err.printf("host fsx on %s: seed %d, %d operations, %s; %s%n", fs, SEED,
          r.operations(), r.failure() == null ? "all checked out" : r.failure(), r.counts());
      assertNull(r.failure(), () -> r.failure() + "\nlast operations:\n" + r.history());
      assertEquals(OPS, r.operations());
      String lockdep = p.read("lockdep");
      assertEquals("lockdep: no reports\n", lockdep);
    }
  }

  /** The checker itself: passes on a plain host directory, catches a write that loses a byte. */
  @Test
  void catchesAPlantedLostByte() {
    HostFsx.Result clean = new HostFsx(new HostIo(), tmp, SEED).run(300);
    assertNull(clean.failure(), clean::history);
    Path buggyDir = tmp.resolve("buggy");
    assertTrue(buggyDir.toFile().mkdir());
    HostFsx.Result buggy = new HostFsx(new LosesEveryTwentiethWrite(), buggyDir, SEED).run(300);
    assertNotNull(buggy.failure(), "the planted bug went unnoticed");
    assertTrue(buggy.failure().contains("byte"), buggy.failure());
  }

  /** Planted bug: every 20th pwrite stores its first byte inverted. */
  static final class LosesEveryTwentiethWrite extends HostIo {
    private int writes;

    @Override
    void pwrite(int fd, byte[] data, long off) {
      byte[] d = data.clone();
      if (++writes % 20 == 0) {
        d[0] = (byte) ~d[0];
      }
      super.pwrite(fd, d, off);
    }
  }
}
