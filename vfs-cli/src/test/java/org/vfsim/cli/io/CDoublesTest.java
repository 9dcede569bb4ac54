package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CDoublesTest {

  @ParameterizedTest(name = "%.{1}f of {0} is {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.5 | 0 | 0",
        "1.5 | 0 | 2",
        "2.5 | 0 | 2",
        "9.765625 | 0 | 10",
        "0.125 | 2 | 0.12",
        "0.375 | 2 | 0.38",
        "0.1 | 20 | 0.10000000000000000555",
        "976.5625 | 3 | 976.562",
        "1 | 6 | 1.000000",
        "-0.0 | 1 | -0.0",
        "-2.5 | 0 | -2",
        "Infinity | 3 | inf",
        "-Infinity | 3 | -inf",
        "NaN | 4 | -nan",
      })
  void roundsLikeGlibcPrintf(double value, int decimals, String expected) {
    assertEquals(expected, CDoubles.fixed(value, decimals));
  }

  @Test
  void rejectsNegativeDecimals() {
    assertThrows(IllegalArgumentException.class, () -> CDoubles.fixed(1, -1));
  }
}
