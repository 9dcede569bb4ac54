package org.vfsim.cli.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The block map that xfs_io's {@code fiemap} command prints: tab-indented lines by default, a
 * table with {@code -v}. Offsets, blocks and totals are in 512-byte units; the holes between
 * extents (and before the first one) are rows of their own, numbered with the extents, but no
 * hole is printed after the last extent.
 *
 * <p>With {@code -v} the header is {@code  EXT: FILE-OFFSET BLOCK-RANGE TOTAL FLAGS} and each
 * column is as wide as its widest value over the extents, never narrower than 16 (FILE-OFFSET,
 * measured without the colon that follows the range, so the widest range overflows by one),
 * 16 (BLOCK-RANGE) and 5 (TOTAL); hole rows do not widen TOTAL. FLAGS ({@code 0x%x}) is always 5
 * wide, so {@code 0x2000} overflows it.
 * A file without extents prints only its name line.
 */
public final class FiemapTable {

  private static final int SECTOR_SHIFT = 9;

  /** FLAGS never widens: {@code 0x2000} overflows it by one, as in xfs_io. */
  private static final int FLAGS_WIDTH = 5;

  private FiemapTable() {}

  /** Returns {@code fiemap -v} for the whole file. */
  public static String verbose(String name, List<ExtentRow> extents) {
    return verbose(name, extents, 0, Long.MAX_VALUE);
  }

  /**
   * Returns {@code fiemap -v OFF LEN}: extents are clipped to {@code [rangeStart, rangeStart +
   * rangeLength)}, and the rows begin at {@code rangeStart}. The LAST flag is printed as given:
   * the kernel sets it on the last extent it reports for a range.
   *
   * @param extents sorted by logical offset and not overlapping
   */
  public static String verbose(
      String name, List<ExtentRow> extents, long rangeStart, long rangeLength) {
    List<Row> rows = rows(extents, rangeStart, rangeLength);
    StringBuilder out = new StringBuilder(name).append(":\n");
    if (rows.isEmpty()) {
      return out.toString();
    }
    int offsetWidth = 16;
    int blockWidth = 16;
    int totalWidth = 5;
    for (Row row : rows) {
      if (!row.hole()) {
        offsetWidth = Math.max(offsetWidth, row.fileRange().length());
        blockWidth = Math.max(blockWidth, row.blockRange().length());
        totalWidth = Math.max(totalWidth, Long.toString(row.total()).length());
      }
    }
    out.append(" EXT: ")
        .append(padRight("FILE-OFFSET", offsetWidth))
        .append(' ')
        .append(padRight("BLOCK-RANGE", blockWidth))
        .append(' ')
        .append(padLeft("TOTAL", totalWidth))
        .append(" FLAGS\n");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      out.append(padLeft(Integer.toString(i), 4))
          .append(": ")
          .append(padRight(row.fileRange() + ":", offsetWidth))
          .append(' ')
          .append(padRight(row.hole() ? "hole" : row.blockRange(), blockWidth))
          .append(' ')
          .append(padLeft(Long.toString(row.total()), totalWidth));
      if (!row.hole()) {
        out.append(' ').append(padLeft(row.flagsText(), FLAGS_WIDTH));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Returns plain {@code fiemap} for the whole file. */
  public static String plain(String name, List<ExtentRow> extents) {
    return plain(name, extents, 0, Long.MAX_VALUE);
  }

  /**
   * Returns plain {@code fiemap OFF LEN}: a tab, the row number, {@code [start..end]:}, then
   * {@code first..last} or {@code hole}.
   *
   * @param extents sorted by logical offset and not overlapping
   */
  public static String plain(String name, List<ExtentRow> extents, long rangeStart, long rangeLength) {
    StringBuilder out = new StringBuilder(name).append(":\n");
    List<Row> rows = rows(extents, rangeStart, rangeLength);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      out.append('\t')
          .append(i)
          .append(": ")
          .append(row.fileRange())
          .append(": ")
          .append(row.hole() ? "hole" : row.blockRange())
          .append('\n');
    }
    return out.toString();
  }

  /** One printed line: an extent, or the hole before one; all numbers in 512-byte sectors. */
  private record Row(boolean hole, long first, long last, long physFirst, long physLast, int flags) {

    String fileRange() {
      return "[" + first + ".." + last + "]";
    }

    String blockRange() {
      return physFirst + ".." + physLast;
    }

    long total() {
      return last - first + 1;
    }

    String flagsText() {
      return "0x" + Integer.toHexString(flags);
    }
  }

  private static List<Row> rows(List<ExtentRow> extents, long rangeStart, long rangeLength) {
    if (rangeStart < 0 || rangeLength < 0) {
      throw new IllegalArgumentException("negative range: " + rangeStart + "+" + rangeLength);
    }
    long rangeEnd = rangeLength > Long.MAX_VALUE - rangeStart ? Long.MAX_VALUE : rangeStart + rangeLength;
    List<Row> rows = new ArrayList<>();
    long nextSector = rangeStart >> SECTOR_SHIFT;
    long previousEnd = -1;
    for (ExtentRow extent : extents) {
      if (extent.logicalByte() < previousEnd) {
        throw new IllegalArgumentException("extents overlap or are out of order at " + extent);
      }
      previousEnd = extent.logicalEnd();
      long start = Math.max(extent.logicalByte(), rangeStart);
      long end = Math.min(extent.logicalEnd(), rangeEnd);
      if (start >= end) {
        continue;
      }
      long physical = extent.physicalByte() + (start - extent.logicalByte());
      long first = start >> SECTOR_SHIFT;
      long last = (end >> SECTOR_SHIFT) - 1;
      if (first > nextSector) {
        rows.add(new Row(true, nextSector, first - 1, 0, 0, 0));
      }
      long physFirst = physical >> SECTOR_SHIFT;
      rows.add(new Row(false, first, last, physFirst, physFirst + (last - first), extent.flags()));
      nextSector = last + 1;
    }
    return rows;
  }

  private static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static String padRight(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
