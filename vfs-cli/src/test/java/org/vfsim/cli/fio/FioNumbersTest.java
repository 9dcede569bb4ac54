package org.vfsim.cli.fio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FioNumbersTest {

  /** Each value as fio 3.33 read it ({@code fio --debug=parse --parse-only}, size=VALUE). */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "0, 0",
    "1, 1",
    "4096, 4096",
    "1b, 1",
    "1B, 1",
    "1k, 1024",
    "1K, 1024",
    "1kb, 1024",
    "1KB, 1024",
    "1ki, 1024",
    "1kib, 1000",
    "1KiB, 1000",
    "4k, 4096",
    "1m, 1048576",
    "1mi, 1048576",
    "1mb, 1048576",
    "1MiB, 1000000",
    "1g, 1073741824",
    "1gib, 1000000000",
    "1t, 1099511627776",
    "1p, 1125899906842624",
    "0x10, 16",
    "0X1f, 31",
    "8388607t, 9223370937343148032",
  })
  void readsLikeFio(String text, long expected) {
    assertEquals(expected, FioNumbers.parse(text));
  }

  /** Values fio misreads silently (1.5k is 1, 1kk is 1024, 0x10k is 16, -1 wraps): errors here. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "k", "1.5k", "1kk", "0x10k", "1e3", "10%", "-1", "(2*4k)", "4 k", "1kbb", "1ib",
        "0x", "1z", "8388608t", "9223372036854775808", "0x8000000000000000"
      })
  void rejectsWhatFioMisreads(String text) {
    assertThrows(NumberFormatException.class, () -> FioNumbers.parse(text));
  }
}
