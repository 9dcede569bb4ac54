package org.vfsim.ext2ish;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.fs.alloc.FreeSpace;

/**
 * ext2's free space as an allocation policy sees it: the runs of clear bits of the block
 * bitmaps, group by group. A run never crosses a group boundary (the next group starts with its
 * own metadata), so whatever a policy chooses lies in one group's bitmap. The by-size questions
 * scan every bitmap: ext2 keeps no size index, and a policy study pays that in real time only.
 */
final class BitmapFreeSpace implements FreeSpace {
  private final FsState img;
  private final Geometry geo;

  BitmapFreeSpace(FsState img) {
    this.img = img;
    this.geo = img.geo;
  }

  @Override
  public long totalBlocks() {
    return geo.blocksCount;
  }

  @Override
  public long freeBlocks() {
    return img.freeBlocksCount;
  }

  @Override
  public Iterable<BlockExtent> fromBlock(long block) {
    long from = Math.max(block, geo.firstDataBlock);
    return () -> new Iterator<>() {
      int group = from >= geo.blocksCount ? geo.groups : geo.groupOf(from);
      int rel = from >= geo.blocksCount ? 0 : (int) (from - geo.groupFirst(group));
      BlockExtent next = advance();

      private BlockExtent advance() {
        while (group < geo.groups) {
          int size = geo.blocksInGroup(group);
          java.util.BitSet bm = img.peekBlockBitmap(group);
          int start = rel >= size ? -1 : bm.nextClearBit(rel);
          if (start >= 0 && start < size) {
            int end = Math.min(size, bm.nextSetBit(start) < 0 ? size : bm.nextSetBit(start));
            rel = end;
            return new BlockExtent(geo.groupFirst(group) + start, end - start);
          }
          group++;
          rel = 0;
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public BlockExtent next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        BlockExtent e = next;
        next = advance();
        return e;
      }
    };
  }

  private List<BlockExtent> all() {
    List<BlockExtent> out = new ArrayList<>();
    fromBlock(0).forEach(out::add);
    return out;
  }

  @Override
  public Optional<BlockExtent> smallestAtLeast(long length) {
    BlockExtent best = null;
    for (BlockExtent e : all()) {
      if (e.length() >= length && (best == null || e.length() < best.length())) {
        best = e;
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public Optional<BlockExtent> largest() {
    BlockExtent best = null;
    for (BlockExtent e : all()) {
      if (best == null || e.length() > best.length()) {
        best = e;
      }
    }
    return Optional.ofNullable(best);
  }
}
