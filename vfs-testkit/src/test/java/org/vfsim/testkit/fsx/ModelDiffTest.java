package org.vfsim.testkit.fsx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** fsx's comparison with the model looks at every byte of a range, not a prefix of it. */
class ModelDiffTest {
  private static final long SEED = 15;

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(SEED).nextBytes(b);
    return b;
  }

  @Test
  void aDifferencePastTheFirstPagesIsFound() {
    byte[] expected = random(256 * 1024);
    for (int at : new int[] {0, 4095, 4096, 5000, 65536, 256 * 1024 - 1}) {
      byte[] actual = expected.clone();
      actual[at] ^= 0x5a;
      ModelDiff d = ModelDiff.first(0x10000, expected, actual);
      assertNotNull(d, "difference at " + at);
      assertEquals(0x10000 + at, d.offset());
      assertTrue(d.detail().contains(String.format("0x%x", 0x10000 + at)), d.detail());
    }
  }

  @Test
  void equalRangesAndShortReads() {
    byte[] expected = random(3 * 4096 + 17);
    assertNull(ModelDiff.first(0, expected, expected.clone()));
    ModelDiff d = ModelDiff.first(100, expected, java.util.Arrays.copyOf(expected, 8192));
    assertNotNull(d);
    assertTrue(d.shortRead());
    assertEquals(100 + 8192, d.offset());
  }
}
