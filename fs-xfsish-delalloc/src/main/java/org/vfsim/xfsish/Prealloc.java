package org.vfsim.xfsish;

import java.util.List;

/**
 * {@code xfs_iomap_prealloc_size}: how many blocks of speculative preallocation an extending
 * write reserves past EOF. Pure, so that the rule can be tested on its own.
 */
final class Prealloc {
  private Prealloc() {}

  /**
   * @param isizeBytes the file size before the write
   * @param writeEndBytes the end of the write
   * @param allocsizeBlocks {@code m_allocsize_blocks} (64 KiB unless {@code allocsize=})
   * @param fixedAllocsize whether {@code allocsize=} was given (XFS_MOUNT_ALLOCSIZE)
   * @param behind the extents before the write offset, nearest first (may be empty)
   * @param offsetFsb the first block of the write
   * @param freeBlocks {@code m_fdblocks}
   * @param dblocks {@code sb_dblocks}, for the low-space thresholds
   */
  static long size(long isizeBytes, long writeEndBytes, long allocsizeBlocks, boolean fixedAllocsize,
      List<ExtentMap.Irec> behind, long offsetFsb, long freeBlocks, long dblocks, int blockSize) {
    if (writeEndBytes <= isizeBytes) {
      return 0; // not an extending write
    }
    // Without allocsize=, no speculation until the file is at least 64 KiB.
    if (!fixedAllocsize && isizeBytes < allocsizeBlocks * blockSize) {
      return 0;
    }
    // A fixed allocsize, or a write behind a hole: the minimum.
    if (fixedAllocsize || behind.isEmpty()
        || behind.get(0).end() < offsetFsb) {
      return allocsizeBlocks;
    }
    // Twice the contiguous (in file and on disk) run of extents that ends at the write.
    ExtentMap.Irec prev = behind.get(0);
    long plen = prev.len();
    for (int i = 1; i < behind.size(); i++) {
      ExtentMap.Irec got = behind.get(i);
      if (plen > ExtentMap.MAXEXTLEN / 2 || got.isDelay() || prev.isDelay()
          || got.end() != prev.off() || got.start() + got.len() != prev.start()) {
        break;
      }
      plen += got.len();
      prev = got;
    }
    long alloc = Math.min(plen * 2, ExtentMap.MAXEXTLEN);
    // Low free space throttling: shift down once more at each of 5%, 4%, 3%, 2%, 1% free.
    int shift = 0;
    if (freeBlocks < lowSpace(dblocks, 5)) {
      shift = 2;
      for (int pct = 4; pct >= 1; pct--) {
        if (freeBlocks < lowSpace(dblocks, pct)) {
          shift++;
        }
      }
    }
    if (shift > 0) {
      alloc >>= shift;
    }
    if (alloc > 0) {
      alloc = Long.highestOneBit(alloc); // rounddown_pow_of_two
    }
    alloc = Math.min(alloc, ExtentMap.MAXEXTLEN);
    // Still more than there is: squash it hard.
    while (alloc > 0 && alloc >= freeBlocks) {
      alloc >>= 4;
    }
    return Math.max(alloc, allocsizeBlocks);
  }

  /** {@code m_low_space[pct-1]}: pct percent of the data blocks. */
  static long lowSpace(long dblocks, int pct) {
    return dblocks / 100 * pct;
  }
}
