package org.vfsim.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExtentRowTest {

  @Test
  void flagConstantsAreTheKernelValues() {
    assertEquals(0x1, ExtentRow.LAST);
    assertEquals(0x2, ExtentRow.UNKNOWN);
    assertEquals(0x4, ExtentRow.DELALLOC);
    assertEquals(0x8, ExtentRow.ENCODED);
    assertEquals(0x80, ExtentRow.DATA_ENCRYPTED);
    assertEquals(0x100, ExtentRow.NOT_ALIGNED);
    assertEquals(0x200, ExtentRow.DATA_INLINE);
    assertEquals(0x400, ExtentRow.DATA_TAIL);
    assertEquals(0x800, ExtentRow.UNWRITTEN);
    assertEquals(0x1000, ExtentRow.MERGED);
    assertEquals(0x2000, ExtentRow.SHARED);
  }

  @Test
  void reportsEndAndFlags() {
    ExtentRow row = new ExtentRow(4096, 0, 8192, ExtentRow.UNKNOWN | ExtentRow.DELALLOC);
    assertEquals(12288, row.logicalEnd());
    assertTrue(row.has(ExtentRow.DELALLOC));
    assertTrue(row.has(ExtentRow.UNKNOWN | ExtentRow.DELALLOC));
    assertFalse(row.has(ExtentRow.LAST));
  }

  @Test
  void rejectsImpossibleExtents() {
    assertThrows(IllegalArgumentException.class, () -> new ExtentRow(-1, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ExtentRow(0, -1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ExtentRow(0, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new ExtentRow(Long.MAX_VALUE, 0, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> new ExtentRow(0, 0, 1, 0x10));
  }
}
