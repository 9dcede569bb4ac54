package org.vfsim.fs.alloc;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Free space indexed twice, as XFS's AGF keeps it: by start block and by (length, start). A
 * filesystem that has no such index of its own can keep one of these beside its bitmaps and
 * hand it to its policy; tests use it as the reference view.
 */
public final class FreeSpaceMap implements FreeSpace {
  private static final Comparator<BlockExtent> BY_SIZE =
      Comparator.comparingLong(BlockExtent::length).thenComparingLong(BlockExtent::start);

  private final long total;
  private final TreeMap<Long, BlockExtent> byStart = new TreeMap<>();
  private final TreeSet<BlockExtent> bySize = new TreeSet<>(BY_SIZE);
  private long free;

  /** An index over {@code totalBlocks} blocks, all of them in use until {@link #free}d. */
  public FreeSpaceMap(long totalBlocks) {
    checkArgument(totalBlocks > 0, "total blocks %s", totalBlocks);
    this.total = totalBlocks;
  }

  @Override
  public long totalBlocks() {
    return total;
  }

  @Override
  public long freeBlocks() {
    return free;
  }

  /** Marks {@code e} free, merging it with free neighbours; it must not overlap free space. */
  public void free(BlockExtent e) {
    checkArgument(e.end() <= total, "%s past the end (%s blocks)", e, total);
    Map.Entry<Long, BlockExtent> below = byStart.floorEntry(e.start());
    checkArgument(below == null || below.getValue().end() <= e.start(), "%s overlaps free %s",
        e, below == null ? null : below.getValue());
    Map.Entry<Long, BlockExtent> above = byStart.ceilingEntry(e.start());
    checkArgument(above == null || above.getKey() >= e.end(), "%s overlaps free %s", e,
        above == null ? null : above.getValue());
    long start = e.start();
    long end = e.end();
    if (below != null && below.getValue().end() == start) {
      remove(below.getValue());
      start = below.getKey();
    }
    if (above != null && above.getKey() == end) {
      remove(above.getValue());
      end = above.getValue().end();
    }
    add(new BlockExtent(start, end - start));
    free += e.length();
  }

  /** Marks {@code e} in use; it must lie inside one free extent. */
  public void allocate(BlockExtent e) {
    Map.Entry<Long, BlockExtent> holder = byStart.floorEntry(e.start());
    checkArgument(holder != null && holder.getValue().contains(e), "%s is not free", e);
    BlockExtent f = holder.getValue();
    remove(f);
    if (f.start() < e.start()) {
      add(new BlockExtent(f.start(), e.start() - f.start()));
    }
    if (e.end() < f.end()) {
      add(new BlockExtent(e.end(), f.end() - e.end()));
    }
    free -= e.length();
  }

  /** Whether every block of {@code e} is free. */
  public boolean isFree(BlockExtent e) {
    Map.Entry<Long, BlockExtent> holder = byStart.floorEntry(e.start());
    return holder != null && holder.getValue().contains(e);
  }

  private void add(BlockExtent e) {
    byStart.put(e.start(), e);
    bySize.add(e);
  }

  private void remove(BlockExtent e) {
    byStart.remove(e.start());
    bySize.remove(e);
  }

  @Override
  public Iterable<BlockExtent> fromBlock(long block) {
    Map.Entry<Long, BlockExtent> below = byStart.floorEntry(block);
    long from = below != null && below.getValue().end() > block ? below.getKey() : block;
    return byStart.tailMap(from, true).values();
  }

  @Override
  public Optional<BlockExtent> smallestAtLeast(long length) {
    return Optional.ofNullable(bySize.ceiling(new BlockExtent(0, length)));
  }

  @Override
  public Optional<BlockExtent> largest() {
    // The last by (length, start) has the highest start among the longest: step back to the
    // lowest, as the interface promises.
    return bySize.isEmpty() ? Optional.empty()
        : Optional.of(bySize.ceiling(new BlockExtent(0, bySize.last().length())));
  }

  @Override
  public String toString() {
    return "FreeSpaceMap" + byStart.values();
  }
}
