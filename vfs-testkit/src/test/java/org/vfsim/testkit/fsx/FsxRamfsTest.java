package org.vfsim.testkit.fsx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.ramfs.RamfsType;

/** ramfs passes the model checker: 20,000 operations per configuration, as CI runs it. */
@ExtendWith(LockValidatorExtension.class)
class FsxRamfsTest {
  static final long OPS = 20_000;

  @Test
  void ramfsPassesTwentyThousandOperations() {
    long seed = 0x5eed_0001L;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result r = Fsx.run(new RamfsType(), Fsx.Options.defaults(seed, OPS),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    System.out.print(out.toString(StandardCharsets.UTF_8));
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
    assertEquals(seed, r.seed());
    assertTrue(r.opsPerSecond() > 0);
  }

  @Test
  void ramfsPassesWithSizeLimitAndLargerFile() {
    long seed = 0x5eed_0002L;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result r = Fsx.run(new RamfsType(), Fsx.Options.defaults(seed, OPS)
        .withMountOptions("size=64m").withMaxFileSize(1 << 20),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    System.out.print(out.toString(StandardCharsets.UTF_8));
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
  }
}
