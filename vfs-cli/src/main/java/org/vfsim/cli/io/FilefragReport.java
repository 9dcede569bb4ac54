package org.vfsim.cli.io;

import java.util.List;

/**
 * What {@code filefrag} (e2fsprogs 1.47) prints for one file, with and without {@code -v}.
 *
 * <p>Extents are counted the way filefrag counts fragments: an extent continues the previous one
 * when its physical start equals the previous extent's physical end, or equals the previous
 * extent's physical start moved by the logical distance between the two (so a hole followed by
 * blocks at the "right" place is no new fragment); the first extent always counts. Each extent
 * that counts, except a first one at logical block 0, shows in the {@code expected} column the
 * physical block it would have had if the file were contiguous from the previous extent's start
 * (from block 0 for the first).
 */
public final class FilefragReport {

  /** Width of the physical columns; constant on every file system observed (up to 4e9 blocks). */
  private static final int PHYSICAL_WIDTH = 10;

  private static final String[] FLAG_NAMES = {
    "last", "unknown_loc", "delalloc", "encoded", "encrypted", "not_aligned", "inline",
    "tail_packed", "unwritten", "merged", "shared"
  };

  private FilefragReport() {}

  /**
   * Returns {@code filefrag -v NAME}.
   *
   * @param fsMagic the file system's statfs {@code f_type}, printed in lower-case hex
   *     ({@code ef53} for ext4, {@code 58465342} for XFS)
   * @param fileSize the file size in bytes; not negative
   * @param blockSize the file system block size, the unit of every column; positive
   * @param extents sorted by logical offset and not overlapping
   */
  public static String verbose(
      long fsMagic, String name, long fileSize, int blockSize, List<ExtentRow> extents) {
    checkArguments(fileSize, blockSize, extents);
    long blocks = fileSize / blockSize + (fileSize % blockSize == 0 ? 0 : 1);
    StringBuilder out = new StringBuilder();
    out.append("Filesystem type is: ").append(Long.toHexString(fsMagic)).append('\n');
    out.append("File size of %s is %d (%d block%s of %d bytes)\n"
        .formatted(name, fileSize, blocks, blocks == 1 ? "" : "s", blockSize));
    int logicalWidth = Math.max(8, floorLog10(blocks));
    if (!extents.isEmpty()) {
      out.append(" ext: ")
          .append(padLeft("logical_offset:", 2 * logicalWidth + 3))
          .append(' ')
          .append(padLeft("physical_offset:", 2 * PHYSICAL_WIDTH + 3))
          .append(" length: ")
          .append(padLeft("expected:", PHYSICAL_WIDTH + 1))
          .append(" flags:\n");
    }
    ExtentRow previous = null;
    int count = 0;
    for (int i = 0; i < extents.size(); i++) {
      ExtentRow extent = extents.get(i);
      long expected = expectedPhysical(previous, extent);
      boolean fragment = startsFragment(previous, extent);
      if (fragment || count == 0) {
        count++;
      }
      long logical = extent.logicalByte() / blockSize;
      long length = extent.lengthBytes() / blockSize;
      long physical = extent.physicalByte() / blockSize;
      boolean located = extent.physicalByte() != 0;
      out.append(padLeft(Integer.toString(i), 4))
          .append(": ")
          .append(padLeft(Long.toString(logical), logicalWidth))
          .append("..")
          .append(padLeft(Long.toString(logical + length - 1), logicalWidth))
          .append(": ")
          .append(padLeft(Long.toString(physical), PHYSICAL_WIDTH))
          .append("..")
          .append(padLeft(Long.toString(located ? physical + length - 1 : 0), PHYSICAL_WIDTH))
          .append(": ")
          .append(padLeft(Long.toString(located ? length : 0), 6))
          .append(':');
      if (fragment) {
        out.append(' ').append(padLeft(Long.toString(expected / blockSize), PHYSICAL_WIDTH)).append(':');
      } else {
        out.append(" ".repeat(PHYSICAL_WIDTH + 2));
      }
      out.append(flags(extent, fileSize)).append('\n');
      previous = extent;
    }
    out.append(countLine(name, count));
    return out.toString();
  }

  /** Returns plain {@code filefrag NAME}: just {@code NAME: N extents found}. */
  public static String summary(String name, int blockSize, List<ExtentRow> extents) {
    checkArguments(0, blockSize, extents);
    return countLine(name, fragments(extents));
  }

  /** Returns the number of fragments filefrag reports for {@code extents}. */
  static int fragments(List<ExtentRow> extents) {
    ExtentRow previous = null;
    int count = 0;
    for (ExtentRow extent : extents) {
      if (startsFragment(previous, extent) || count == 0) {
        count++;
      }
      previous = extent;
    }
    return count;
  }

  private static boolean startsFragment(ExtentRow previous, ExtentRow extent) {
    long dense = previous == null ? 0 : previous.physicalByte() + previous.lengthBytes();
    return extent.logicalByte() != 0
        && extent.physicalByte() != expectedPhysical(previous, extent)
        && extent.physicalByte() != dense;
  }

  private static long expectedPhysical(ExtentRow previous, ExtentRow extent) {
    return previous == null
        ? extent.logicalByte()
        : previous.physicalByte() + extent.logicalByte() - previous.logicalByte();
  }

  private static String flags(ExtentRow extent, long fileSize) {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < ExtentRow.KERNEL_ORDER.length; i++) {
      if (extent.has(ExtentRow.KERNEL_ORDER[i])) {
        names.append(names.isEmpty() ? " " : ",").append(FLAG_NAMES[i]);
      }
    }
    if (extent.logicalEnd() >= fileSize) {
      names.append(",eof");
    }
    return names.toString();
  }

  private static String countLine(String name, int count) {
    return "%s: %d extent%s found\n".formatted(name, count, count == 1 ? "" : "s");
  }

  private static void checkArguments(long fileSize, int blockSize, List<ExtentRow> extents) {
    if (fileSize < 0) {
      throw new IllegalArgumentException("negative file size: " + fileSize);
    }
    if (blockSize <= 0) {
      throw new IllegalArgumentException("block size must be positive: " + blockSize);
    }
    long previousEnd = -1;
    for (ExtentRow extent : extents) {
      if (extent.logicalByte() < previousEnd) {
        throw new IllegalArgumentException("extents overlap or are out of order at " + extent);
      }
      previousEnd = extent.logicalEnd();
    }
  }

  /** Returns the number of decimal digits of {@code n} minus one (0 for 0). */
  private static int floorLog10(long n) {
    int log = 0;
    for (long rest = n / 10; rest > 0; rest /= 10) {
      log++;
    }
    return log;
  }

  private static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }
}
