package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.testkit.fsx.Fsx;

/**
 * The kit's model checker on btrfsish: 20,000 seeded operations per configuration, including
 * reflink (CLONE_RANGE) and power cut + remount (POWERCUT), which btrfsish declares.
 */
@ExtendWith(LockValidatorExtension.class)
class FsxTest {
  static final long OPS = 20_000;

  @ParameterizedTest(name = "[{0}] seed {1}")
  @CsvSource(delimiter = '|', value = {
      "''                 | 0x5eed0b01",
      "max_chunk_pages=16 | 0x5eed0b02",
      "nodatacow          | 0x5eed0b03"})
  void passesTwentyThousandOperations(String mountOptions, String seedText) {
    long seed = Long.decode(seedText);
    System.out.printf("fsx btrfsish -o '%s' seed %d (%#x)%n", mountOptions, seed, seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result r = Fsx.run(new BtrfsishType(), Fsx.Options.defaults(seed, OPS)
        .withDeviceBytes(64L << 20).withMountOptions(mountOptions),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    System.out.print(out.toString(StandardCharsets.UTF_8));
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
    assertEquals(seed, r.seed());
  }
}
