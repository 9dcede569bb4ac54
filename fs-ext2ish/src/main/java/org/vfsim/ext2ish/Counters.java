package org.vfsim.ext2ish;

import com.google.common.collect.ImmutableMap;

/** Allocator and metadata counters, reported by {@code SuperBlock.counters()} in a fixed order. */
final class Counters {
  long allocCalls;
  long goalHits;
  long groupsScanned;
  long blocksAllocated;
  long blocksFreed;
  long freeCalls;
  long blocksDiscarded;
  long enospc;
  long windowsOpened;
  long windowGrown;
  long windowsDiscarded;
  long windowAllocated;
  long indirectAllocated;
  long truncatedBlocks;
  long writeFailedTruncates;
  long metadataBlocksWritten;
  long metadataWrites;
  long dataBlocksWritten;
  long dataWrites;
  long superblockWrites;
  long inodesAllocated;
  long dirBlocksAllocated;

  ImmutableMap<String, Long> toMap(long windowsLive) {
    return ImmutableMap.<String, Long>builder()
        .put("alloc_calls", allocCalls)
        .put("goal_hits", goalHits)
        .put("groups_scanned", groupsScanned)
        .put("blocks_allocated", blocksAllocated)
        .put("blocks_freed", blocksFreed)
        .put("free_calls", freeCalls)
        .put("blocks_discarded", blocksDiscarded)
        .put("enospc", enospc)
        .put("rsv_windows_opened", windowsOpened)
        .put("rsv_windows_grown", windowGrown)
        .put("rsv_windows_discarded", windowsDiscarded)
        .put("rsv_windows_live", windowsLive)
        .put("rsv_blocks_allocated", windowAllocated)
        .put("indirect_blocks_allocated", indirectAllocated)
        .put("truncated_blocks", truncatedBlocks)
        .put("write_failed_truncates", writeFailedTruncates)
        .put("metadata_blocks_written", metadataBlocksWritten)
        .put("metadata_writes", metadataWrites)
        .put("data_blocks_written", dataBlocksWritten)
        .put("data_writes", dataWrites)
        .put("superblock_writes", superblockWrites)
        .put("inodes_allocated", inodesAllocated)
        .put("dir_blocks_allocated", dirBlocksAllocated)
        .buildOrThrow();
  }
}
