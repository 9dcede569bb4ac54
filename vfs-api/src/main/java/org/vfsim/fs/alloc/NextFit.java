package org.vfsim.fs.alloc;

import java.util.Optional;

/**
 * Next fit: first fit starting where the previous allocation ended, wrapping to block 0 once
 * the end is reached. Spreads allocations across the device like a log; the roving cursor is
 * per mount.
 */
public final class NextFit implements AllocationPolicy {
  private long cursor;

  @Override
  public String name() {
    return "nextfit";
  }

  @Override
  public String description() {
    return "first fit from a roving cursor where the last allocation ended";
  }

  @Override
  public synchronized Optional<BlockExtent> allocate(AllocRequest request, FreeSpace free) {
    Optional<BlockExtent> e = FirstFit.firstFrom(cursor, request, free);
    if (e.isEmpty() || e.get().length() < request.blocks()) {
      Optional<BlockExtent> wrapped = FirstFit.firstFrom(0, request, free);
      if (wrapped.isPresent()
          && (e.isEmpty() || wrapped.get().length() > e.get().length())) {
        e = wrapped;
      }
    }
    e.ifPresent(x -> cursor = x.end());
    return e;
  }

  @Override
  public AllocationPolicy newInstance() {
    return new NextFit();
  }
}
