package org.vfsim.fs.alloc;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * One allocation a filesystem asks its policy to place ({@code struct xfs_alloc_arg} and
 * ext2's goal computation, reduced to what a policy needs).
 *
 * @param ino the file's inode number
 * @param logical the first file block to be mapped
 * @param blocks how many blocks the filesystem would like
 * @param minBlocks the fewest it will accept (it asks again for the rest)
 * @param goal the block the filesystem's own heuristics would start at (after the file's previous
 *     extent, or in the inode's group), or -1 if it has none; a policy may ignore it
 * @param fileExtents the file's current extents in logical order (read-only)
 */
public record AllocRequest(long ino, long logical, long blocks, long minBlocks, long goal,
    List<MappedExtent> fileExtents) {
  public AllocRequest {
    checkArgument(minBlocks >= 1 && minBlocks <= blocks, "min %s of %s blocks", minBlocks,
        blocks);
    fileExtents = List.copyOf(fileExtents);
  }
}
