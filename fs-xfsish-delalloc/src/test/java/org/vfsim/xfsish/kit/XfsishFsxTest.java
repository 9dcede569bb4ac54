package org.vfsim.xfsish.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.testkit.fsx.Fsx;
import org.vfsim.xfsish.XfsishType;

/**
 * The vfs-testkit model checker on xfsish: 20,000 seeded operations (with power cuts, fallocate
 * modes and every write source) per configuration worth covering, fsck after each.
 */
@ExtendWith(LockValidatorExtension.class)
class XfsishFsxTest {
  static final long OPS = 20_000;

  @ParameterizedTest(name = "mount options \"{1}\", seed {0}")
  @CsvSource(value = {
      "0x5eed0101, ''",
      "0x5eed0102, alloc=unwritten",
      "0x5eed0103, allocsize=1m",
      "0x5eed0104, write_path=generic",
  })
  void passesTwentyThousandOperations(String seedHex, String mountOptions) {
    long seed = Long.decode(seedHex);
    System.out.printf("fsx xfsish seed %d (%#x), mount options \"%s\", %d operations%n", seed,
        seed, mountOptions, OPS);
    Fsx.Result r = Fsx.run(new XfsishType(),
        Fsx.Options.defaults(seed, OPS).withMountOptions(mountOptions), System.out);
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
    assertEquals(seed, r.seed());
  }
}
