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

  /** The same on blocks smaller than a page: 1 KiB and 2 KiB, on both write paths. */
  @ParameterizedTest(name = "block size {0}, mount options \"{1}\", seed {2}")
  @CsvSource(value = {
      "1024, '', 0x5eed0111",
      "2048, '', 0x5eed0112",
      "1024, write_path=generic, 0x5eed0113",
      "2048, alloc=unwritten, 0x5eed0114",
  })
  void passesOnSmallBlocks(int blockSize, String mountOptions, String seedHex) {
    long seed = Long.decode(seedHex);
    System.out.printf("fsx xfsish seed %d (%#x), block size %d, mount options \"%s\", %d"
        + " operations%n", seed, seed, blockSize, mountOptions, OPS);
    Fsx.Result r = Fsx.run(new XfsishType(), new Fsx.Options(seed, OPS, 256L << 20, blockSize,
        "", mountOptions, 256 * 1024, null), System.out);
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
  }

  /**
   * Each shipped allocation policy in place of XFS's own, on both allocation paths (delalloc
   * conversion and write-time unwritten extents). Fewer operations: the policy decides only where
   * blocks go, the rest is the default configuration's run.
   */
  @ParameterizedTest(name = "mount options \"{1}\", seed {0}")
  @CsvSource(value = {
      "0x5eed0121, policy=firstfit",
      "0x5eed0122, 'policy=bestfit,alloc=unwritten'",
      "0x5eed0123, 'policy=nextfit,write_path=generic'",
  })
  void passesWithEachShippedPolicy(String seedHex, String mountOptions) {
    long seed = Long.decode(seedHex);
    long ops = OPS / 4;
    System.out.printf("fsx xfsish seed %d (%#x), mount options \"%s\", %d operations%n", seed,
        seed, mountOptions, ops);
    Fsx.Result r = Fsx.run(new XfsishType(),
        Fsx.Options.defaults(seed, ops).withMountOptions(mountOptions), System.out);
    assertTrue(r.passed(), r.failure());
    assertEquals(ops, r.operationsRun());
  }
}
