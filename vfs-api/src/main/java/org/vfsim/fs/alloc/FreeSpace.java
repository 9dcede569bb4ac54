package org.vfsim.fs.alloc;

import java.util.Optional;

/**
 * A read-only view of a filesystem's free space for a policy to choose from: by block number
 * (XFS's by-bno B+tree, ext2's bitmaps) and by size (XFS's by-cnt B+tree). The filesystem
 * answers from its own indexes; {@link FreeSpaceMap} is a ready-made one.
 */
public interface FreeSpace {
  /** Blocks in the filesystem's allocatable space. */
  long totalBlocks();

  /** Free blocks. */
  long freeBlocks();

  /** The free extents starting at or after {@code block}, in block order. */
  Iterable<BlockExtent> fromBlock(long block);

  /** The smallest free extent at least {@code length} blocks long (lowest start on ties). */
  Optional<BlockExtent> smallestAtLeast(long length);

  /** The largest free extent (lowest start on ties), if any block is free. */
  Optional<BlockExtent> largest();
}
