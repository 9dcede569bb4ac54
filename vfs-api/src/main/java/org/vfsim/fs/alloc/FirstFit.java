package org.vfsim.fs.alloc;

import java.util.Optional;

/**
 * First fit: the lowest-addressed free extent long enough for the whole request, else the
 * lowest-addressed one long enough for the minimum. Ignores the goal, so files written in turns
 * interleave: the classic baseline of allocation studies.
 */
public final class FirstFit implements AllocationPolicy {
  @Override
  public String name() {
    return "firstfit";
  }

  @Override
  public String description() {
    return "lowest-addressed free extent that fits (ignores the filesystem's goal)";
  }

  @Override
  public Optional<BlockExtent> allocate(AllocRequest request, FreeSpace free) {
    return firstFrom(0, request, free);
  }

  /** The first free extent at or after {@code from} that holds the request (or its minimum). */
  static Optional<BlockExtent> firstFrom(long from, AllocRequest request, FreeSpace free) {
    BlockExtent partial = null;
    for (BlockExtent e : free.fromBlock(from)) {
      long start = Math.max(e.start(), from);
      long len = e.end() - start;
      if (len >= request.blocks()) {
        return Optional.of(new BlockExtent(start, request.blocks()));
      }
      if (partial == null && len >= request.minBlocks()) {
        partial = new BlockExtent(start, len);
      }
    }
    return Optional.ofNullable(partial);
  }

  @Override
  public AllocationPolicy newInstance() {
    return new FirstFit();
  }
}
