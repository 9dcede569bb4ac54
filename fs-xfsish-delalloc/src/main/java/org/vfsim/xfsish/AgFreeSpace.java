package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.fs.alloc.FreeSpace;
import org.vfsim.fs.alloc.MappedExtent;

/**
 * The AGs' free space as an allocation policy ({@code policy=NAME}) sees it: each AG's bnobt for
 * the by-block questions and its cntbt for the by-size ones. A free extent never crosses an AG
 * (each AG starts with its own headers), so a policy's choice lies in one AG. Read-only: the
 * superblock takes the chosen extent from its AG.
 */
final class AgFreeSpace implements FreeSpace {
  private final List<AllocGroup> ags;
  private final long dblocks;

  AgFreeSpace(List<AllocGroup> ags, long dblocks) {
    this.ags = ags;
    this.dblocks = dblocks;
  }

  @Override
  public long totalBlocks() {
    return dblocks;
  }

  @Override
  public long freeBlocks() {
    long n = 0;
    for (AllocGroup ag : ags) {
      n += ag.freeBlocks();
    }
    return n;
  }

  @Override
  public Iterable<BlockExtent> fromBlock(long block) {
    return () -> new Iterator<>() {
      int agno = firstAgAtOrAfter(block);
      Iterator<Map.Entry<Long, Long>> inAg = agno < ags.size() ? tail(ags.get(agno), block)
          : null;

      @Override
      public boolean hasNext() {
        while (inAg != null && !inAg.hasNext()) {
          agno++;
          inAg = agno < ags.size() ? ags.get(agno).bno.entrySet().iterator() : null;
        }
        return inAg != null;
      }

      @Override
      public BlockExtent next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<Long, Long> e = inAg.next();
        return new BlockExtent(e.getKey(), e.getValue());
      }
    };
  }

  private int firstAgAtOrAfter(long block) {
    int a = 0;
    while (a < ags.size() && ags.get(a).end() <= block) {
      a++;
    }
    return a;
  }

  /** The AG's free extents from the one containing {@code block} (if any) on. */
  private static Iterator<Map.Entry<Long, Long>> tail(AllocGroup ag, long block) {
    Map.Entry<Long, Long> below = ag.bno.floorEntry(block);
    long from = below != null && below.getKey() + below.getValue() > block ? below.getKey()
        : block;
    return ag.bno.tailMap(from, true).entrySet().iterator();
  }

  @Override
  public Optional<BlockExtent> smallestAtLeast(long length) {
    BlockExtent best = null;
    for (AllocGroup ag : ags) {
      Map.Entry<Long, TreeSet<Long>> e = ag.cnt.ceilingEntry(length);
      if (e != null && (best == null || e.getKey() < best.length())) {
        best = new BlockExtent(e.getValue().first(), e.getKey());
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public Optional<BlockExtent> largest() {
    BlockExtent best = null;
    for (AllocGroup ag : ags) {
      Map.Entry<Long, TreeSet<Long>> e = ag.cnt.lastEntry();
      if (e != null && (best == null || e.getKey() > best.length())) {
        best = new BlockExtent(e.getValue().first(), e.getKey());
      }
    }
    return Optional.ofNullable(best);
  }

  /** The file's real (not delayed) extents in logical order, as a policy is shown them. */
  static List<MappedExtent> mapped(XfsInode ip) {
    List<MappedExtent> out = new ArrayList<>();
    for (ExtentMap.Irec r : ip.extents().all()) {
      if (!r.isDelay()) {
        out.add(new MappedExtent(r.off(), r.start(), r.len()));
      }
    }
    return out;
  }
}
