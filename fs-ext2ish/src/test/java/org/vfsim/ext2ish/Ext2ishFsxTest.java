package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.testkit.fsx.Fsx;

/**
 * The testkit's model checker on ext2ish: reads, writes, mmap, truncate, fsync and power cuts
 * against a model, on a small device so that ENOSPC and block reuse happen. Seeds are fixed and
 * printed; a failure prints the replayable operation history.
 */
@ExtendWith(LockValidatorExtension.class)
class Ext2ishFsxTest {
  @TempDir Path e2fsckDir;

  /** The test kit asks for at least 20,000 model-checker operations per configuration in CI. */
  private static final int OPERATIONS = 20_000;

  @ParameterizedTest(name = "block size {0}, mount '{1}', seed {2}")
  @CsvSource({
      "4096, '', 24117",
      "1024, '', 22045",
      "2048, noreservation, 24070",   // found the stale EOF block after a power cut
      "1024, noreservation, 23046",
      "4096, reservation_window=2, 21117",
      "4096, policy=firstfit, 25001",
      "1024, policy=bestfit, 25002",
      "2048, policy=nextfit, 25003",
  })
  void passes(int blockSize, String mountOptions, long seed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // e2fsck -fn judges the image the run left (when e2fsprogs is installed).
    Fsx.Result r = Fsx.run(new Ext2ishType(), new Fsx.Options(seed, OPERATIONS, 8L << 20, blockSize,
        "", mountOptions, 1 << 20, null), new PrintStream(out, true, StandardCharsets.UTF_8),
        fs -> E2fsprogs.assertE2fsckClean(fs.device(), e2fsckDir, "after fsx seed " + seed));
    System.out.print(out.toString(StandardCharsets.UTF_8));
    assertTrue(r.passed(), r.failure());
    assertEquals(OPERATIONS, r.operationsRun());
  }
}
