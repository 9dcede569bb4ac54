package org.vfsim.btrfsish;

/**
 * A file extent item ({@code struct btrfs_file_extent_item}): the file bytes at the item's key
 * are {@code numBytes} bytes of the disk extent at {@code diskBytenr}, starting {@code offset}
 * bytes into it. A partially overwritten extent leaves items that reference only part of it,
 * but the extent keeps its full size on disk (a "bookend" extent).
 */
record FileExtentItem(long diskBytenr, long diskNumBytes, long offset, long numBytes,
    boolean prealloc) {
  /** The file offset at which byte 0 of the extent would sit: the data backref's offset. */
  long backrefBase(long key) {
    return key - offset;
  }

  /** The disk byte that backs file offset {@code key + delta}. */
  long diskByteAt(long delta) {
    return diskBytenr + offset + delta;
  }

  /** The item for the part {@code [from, from+len)} of this one (relative to its key). */
  FileExtentItem slice(long from, long len) {
    return new FileExtentItem(diskBytenr, diskNumBytes, offset + from, len, prealloc);
  }

  FileExtentItem written() {
    return new FileExtentItem(diskBytenr, diskNumBytes, offset, numBytes, false);
  }
}
