package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XfsIoSizesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | 0.000000 bytes",
        "1 | 1.000000 bytes",
        "1023 | 1023.000000 bytes",
        "829.4406046 | 829.440605 bytes",
        "1024 | 1 KiB",
        "1025 | 1 KiB",
        "1536 | 2 KiB",
        "2560 | 2 KiB",
        "3584 | 4 KiB",
        "10000 | 10 KiB",
        "1500.5 | 1.465 KiB",
        "2560.5 | 2.500 KiB",
        "1048575 | 1024 KiB",
        "1048576 | 1 MiB",
        "40960000 | 39 MiB",
        "2147483647 | 2 GiB",
        "2147483648 | 2.000 GiB",
        "3221225472 | 3.000 GiB",
        "1073741824000000 | 976.562 TiB",
        "2147483648000000 | 1.907 PiB",
        "1152921504606846976 | 1.000 EiB",
        "Infinity | inf EiB",
        "NaN | -nan bytes",
      })
  void rendersLikeXfsIo(double value, String expected) {
    assertEquals(expected, XfsIoSizes.format(value));
  }
}
