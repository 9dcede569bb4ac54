package org.example.worstfit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.ext2ish.Ext2ishType;
import org.vfsim.fs.FileSystemType;
import org.vfsim.testkit.fsx.Fsx;
import org.vfsim.xfsish.XfsishType;

/** The model checker (with power cuts) on both block filesystems mounted with this policy. */
class WorstFitFsxTest {
  static final long SEED = 0x5eed0b01L;
  static final long OPS = 3_000;

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish"})
  void passes(String fs) {
    FileSystemType type = fs.equals("ext2ish") ? new Ext2ishType() : new XfsishType();
    System.out.printf("fsx %s policy=worstfit seed %#x, %d operations%n", fs, SEED, OPS);
    Fsx.Result r = Fsx.run(type,
        Fsx.Options.defaults(SEED, OPS).withDeviceBytes(32L << 20)
            .withMountOptions("policy=worstfit"), System.out);
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
  }
}
