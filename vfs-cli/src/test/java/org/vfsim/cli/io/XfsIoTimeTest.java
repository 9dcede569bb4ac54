package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XfsIoTimeTest {

  @ParameterizedTest(name = "{0} us -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | 0.0000 sec",
        "99 | 0.0000 sec",
        "100 | 0.0001 sec",
        "300 | 0.0003 sec",
        "12345 | 0.0123 sec",
        "999999 | 0.9999 sec",
        "1000000 | 0:00:01.00",
        "1290000 | 0:00:01.29",
        "59999999 | 0:00:59.99",
        "60000000 | 0:01:00.00",
        "61234567 | 0:01:01.23",
        "3599999999 | 0:59:59.99",
        "3723456789 | 1:02:03.45",
        "360000000000 | 100:00:00.00",
      })
  void rendersLikeXfsIo(long micros, String expected) {
    assertEquals(expected, XfsIoTime.format(micros));
  }

  @Test
  void rejectsNegativeTime() {
    assertThrows(IllegalArgumentException.class, () -> XfsIoTime.format(-1));
  }
}
