package org.vfsim.fs.alloc;

import static com.google.common.base.Preconditions.checkArgument;

/** A run of filesystem blocks {@code [start, start + length)}: a free extent or an allocation. */
public record BlockExtent(long start, long length) {
  public BlockExtent {
    checkArgument(start >= 0 && length > 0, "extent [%s, +%s)", start, length);
  }

  /** The first block after the extent. */
  public long end() {
    return start + length;
  }

  public boolean contains(BlockExtent other) {
    return other.start >= start && other.end() <= end();
  }
}
