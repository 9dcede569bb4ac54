package org.vfsim.xfsish;

/**
 * What {@code iomap_begin} returned for one iteration of a write ({@code struct iomap}): the
 * type of the mapping and the byte range of the write it covers, and whether the filesystem
 * created it for this write ({@code IOMAP_F_NEW}), which is what {@code iomap_end} punches.
 */
record Iomap(Type type, long offset, long length, boolean isNew) {
  /** IOMAP_DELALLOC, IOMAP_MAPPED, IOMAP_UNWRITTEN. */
  enum Type { DELALLOC, MAPPED, UNWRITTEN }

  long end() {
    return offset + length;
  }
}
