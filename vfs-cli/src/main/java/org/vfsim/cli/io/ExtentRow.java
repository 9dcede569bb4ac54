package org.vfsim.cli.io;

/**
 * One extent as {@code FS_IOC_FIEMAP} reports it, in bytes, kept free of vfs-api types so that
 * the formatters depend on nothing but this package.
 *
 * @param logicalByte file offset of the extent's first byte; not negative
 * @param physicalByte device offset of the extent's first byte; not negative, and 0 where the
 *     location is unknown (delayed allocation)
 * @param lengthBytes length of the extent; positive
 * @param flags a combination of the {@code FIEMAP_EXTENT_*} bits declared here; no other bits
 */
public record ExtentRow(long logicalByte, long physicalByte, long lengthBytes, int flags) {

  /** FIEMAP_EXTENT_LAST: the last extent of the file. */
  public static final int LAST = 0x1;

  /** FIEMAP_EXTENT_UNKNOWN: the data location is unknown. */
  public static final int UNKNOWN = 0x2;

  /** FIEMAP_EXTENT_DELALLOC: delayed allocation; also sets UNKNOWN. */
  public static final int DELALLOC = 0x4;

  /** FIEMAP_EXTENT_ENCODED: the data is compressed or otherwise encoded. */
  public static final int ENCODED = 0x8;

  /** FIEMAP_EXTENT_DATA_ENCRYPTED: the data is encrypted. */
  public static final int DATA_ENCRYPTED = 0x80;

  /** FIEMAP_EXTENT_NOT_ALIGNED: offsets are not block aligned. */
  public static final int NOT_ALIGNED = 0x100;

  /** FIEMAP_EXTENT_DATA_INLINE: the data is stored with the metadata. */
  public static final int DATA_INLINE = 0x200;

  /** FIEMAP_EXTENT_DATA_TAIL: several files' tails share the block. */
  public static final int DATA_TAIL = 0x400;

  /** FIEMAP_EXTENT_UNWRITTEN: allocated but not yet written (reads as zeros). */
  public static final int UNWRITTEN = 0x800;

  /** FIEMAP_EXTENT_MERGED: the file system merged several extents into this one. */
  public static final int MERGED = 0x1000;

  /** FIEMAP_EXTENT_SHARED: the blocks are shared with another file (reflink). */
  public static final int SHARED = 0x2000;

  /** Every flag bit above, in kernel order; filefrag names them in this order. */
  static final int[] KERNEL_ORDER = {
    LAST, UNKNOWN, DELALLOC, ENCODED, DATA_ENCRYPTED, NOT_ALIGNED, DATA_INLINE, DATA_TAIL,
    UNWRITTEN, MERGED, SHARED
  };

  private static final int KNOWN_FLAGS =
      LAST | UNKNOWN | DELALLOC | ENCODED | DATA_ENCRYPTED | NOT_ALIGNED | DATA_INLINE | DATA_TAIL
          | UNWRITTEN | MERGED | SHARED;

  public ExtentRow {
    if (logicalByte < 0) {
      throw new IllegalArgumentException("negative logicalByte: " + logicalByte);
    }
    if (physicalByte < 0) {
      throw new IllegalArgumentException("negative physicalByte: " + physicalByte);
    }
    if (lengthBytes <= 0) {
      throw new IllegalArgumentException("lengthBytes must be positive: " + lengthBytes);
    }
    if (logicalByte > Long.MAX_VALUE - lengthBytes) {
      throw new IllegalArgumentException("extent end overflows: " + logicalByte + "+" + lengthBytes);
    }
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new IllegalArgumentException(
          "unknown FIEMAP flag bits: 0x" + Integer.toHexString(flags & ~KNOWN_FLAGS));
    }
  }

  /** Returns the file offset just past the extent. */
  public long logicalEnd() {
    return logicalByte + lengthBytes;
  }

  /** Returns whether every bit of {@code flag} is set. */
  public boolean has(int flag) {
    return (flags & flag) == flag;
  }
}
