package org.vfsim.fs.alloc;

import java.util.Optional;

/**
 * Best fit by size: the smallest free extent that holds the whole request (lowest address on
 * ties), else the largest free extent if it holds the minimum. Keeps large extents whole for
 * large requests, at the price of ignoring locality.
 */
public final class BestFit implements AllocationPolicy {
  @Override
  public String name() {
    return "bestfit";
  }

  @Override
  public String description() {
    return "smallest free extent that fits, by size (ignores the filesystem's goal)";
  }

  @Override
  public Optional<BlockExtent> allocate(AllocRequest request, FreeSpace free) {
    Optional<BlockExtent> fit = free.smallestAtLeast(request.blocks());
    if (fit.isPresent()) {
      return Optional.of(new BlockExtent(fit.get().start(), request.blocks()));
    }
    return free.largest().filter(e -> e.length() >= request.minBlocks());
  }

  @Override
  public AllocationPolicy newInstance() {
    return new BestFit();
  }
}
