package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HexDumpTest {

  /** Returns the dump lines of a golden stdout: those that start with a hex offset. */
  private static String dumpLines(String caseName) {
    return Golden.read("xfs_io", caseName, "stdout")
        .lines()
        .filter(line -> line.matches("[0-9a-f]{8,}:  .*"))
        .map(line -> line + "\n")
        .collect(Collectors.joining());
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  @Test
  void partialLastLineIsNotPadded() {
    assertEquals(dumpLines("pread-v-partial-line"), HexDump.format(0, filled(40, 0x41)));
  }

  @Test
  void onlyLettersAndDigitsPrint() {
    byte[] bytes = new byte[256];
    int[][] written = {
      {32, 0x20}, {33, 0x2e}, {48, 0x30}, {57, 0x39}, {65, 0x41}, {90, 0x5a}, {97, 0x61},
      {122, 0x7a}, {126, 0x7e}, {255, 0xff}
    };
    for (int[] w : written) {
      bytes[w[0]] = (byte) w[1];
    }
    assertEquals(dumpLines("pread-v-printable"), HexDump.format(0, bytes));
  }

  @Test
  void labelsFromTheReadOffset() {
    assertEquals(dumpLines("pread-v-unaligned-offset"), HexDump.format(9990, filled(10, 0x62)));
  }

  @Test
  void eachBufferIsDumpedOnItsOwn() {
    byte[] file = filled(40, 0x63);
    StringBuilder dump = new StringBuilder();
    for (int offset = 0; offset < 40; offset += 10) {
      dump.append(HexDump.format(offset, file, offset, 10));
    }
    assertEquals(dumpLines("pread-v-bsize"), dump.toString());
  }

  @Test
  void defaultSeedAndMappedDumps() {
    assertEquals(dumpLines("pwrite-default-seed"), HexDump.format(0, filled(20, 0xcd)));
    assertEquals(dumpLines("pwrite-seed"), HexDump.format(0, filled(100, 0x41)));
    byte[] mapped = filled(20, 0xcd);
    Arrays.fill(mapped, 0, 10, (byte) 0x42);
    assertEquals(dumpLines("mwrite-mread"), HexDump.format(90, mapped));
    assertEquals(
        dumpLines("mread-offsets"),
        HexDump.format(0, filled(20, 0x41)) + HexDump.format(4100, filled(20, 0x41)));
  }

  @Test
  void punchedRangeDumpsZeros() {
    byte[] bytes = new byte[12];
    Arrays.fill(bytes, 0, 6, (byte) 0x41);
    assertEquals(dumpLines("fpunch"), HexDump.format(4090, bytes));
  }

  @Test
  void widensOffsetsPastThirtyTwoBits() {
    assertEquals("100000000:  30  0\n", HexDump.format(1L << 32, new byte[] {'0'}));
  }

  @Test
  void emptyRangeDumpsNothing() {
    assertEquals("", HexDump.format(0, new byte[8], 8, 0));
  }

  @Test
  void rejectsBadRanges() {
    assertThrows(IndexOutOfBoundsException.class, () -> HexDump.format(0, new byte[4], 2, 3));
    assertThrows(IllegalArgumentException.class, () -> HexDump.format(-1, new byte[4]));
  }
}
