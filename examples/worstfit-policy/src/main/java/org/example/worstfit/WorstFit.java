package org.example.worstfit;

import java.util.Optional;
import org.vfsim.fs.alloc.AllocRequest;
import org.vfsim.fs.alloc.AllocationPolicy;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.fs.alloc.FreeSpace;

/**
 * Worst fit: carve every request from the largest free extent, so that what is left over stays
 * large enough to be useful (the third classic baseline, beside first and best fit).
 */
public final class WorstFit implements AllocationPolicy {
  @Override
  public String name() {
    return "worstfit";
  }

  @Override
  public String description() {
    return "the start of the largest free extent (an example plugin)";
  }

  @Override
  public Optional<BlockExtent> allocate(AllocRequest request, FreeSpace free) {
    return free.largest().filter(e -> e.length() >= request.minBlocks())
        .map(e -> new BlockExtent(e.start(), Math.min(e.length(), request.blocks())));
  }

  @Override
  public AllocationPolicy newInstance() {
    return new WorstFit();
  }
}
