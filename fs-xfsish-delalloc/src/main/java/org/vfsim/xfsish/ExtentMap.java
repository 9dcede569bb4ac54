package org.vfsim.xfsish;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An inode's data fork ({@code xfs_ifork} with its incore extent list): records of file offset,
 * start block, length and state, keyed by file offset, never overlapping and never longer than
 * {@link #MAXEXTLEN}. Delayed records have no start block; they carry the worst-case count of
 * bmbt blocks ({@code indlen}) reserved for when they are converted.
 */
final class ExtentMap {
  /** XFS_MAX_BMBT_EXTLEN: the largest length one bmbt record can describe (21 bits). */
  static final long MAXEXTLEN = (1L << 21) - 1;
  /** bmbt records per 4 KiB block with the v5 long-format header: (4096 - 72) / 16. */
  static final long BMBT_MAXRECS = 251;
  /** XFS_BM_MAXLEVELS of a data fork at 4 KiB blocks. */
  static final int BM_MAXLEVELS = 5;
  /** Extents that fit in the data fork of a 512-byte inode before it needs a bmbt: 336 / 16. */
  static final int INLINE_EXTENTS = 21;

  /** Extent states (XFS_EXT_NORM, XFS_EXT_UNWRITTEN, and the in-core-only delalloc). */
  enum State { NORM, UNWRITTEN, DELAY }

  /** One record ({@code xfs_bmbt_irec}), in filesystem blocks. */
  record Irec(long off, long start, long len, State state, long indlen) {
    Irec {
      checkArgument(len > 0 && len <= MAXEXTLEN, "bad extent length %s", len);
    }

    long end() {
      return off + len;
    }

    boolean isDelay() {
      return state == State.DELAY;
    }

    boolean isReal() {
      return state != State.DELAY;
    }

    /** The physical block of file block {@code fsb} inside this record. */
    long physical(long fsb) {
      return start + (fsb - off);
    }
  }

  /** Who pays for and takes back indlen when a delayed record is split or merged. */
  interface IndlenBank {
    /** Takes up to {@code want} extra blocks from free space; returns how many it got. */
    long take(long want);

    /** Returns blocks to free space. */
    void give(long n);

    void split();

    void merged();
  }

  private final TreeMap<Long, Irec> recs = new TreeMap<>();

  /**
   * {@code xfs_bmap_worst_indlen}: the bmbt blocks converting {@code len} delayed blocks could
   * need in the worst case (one new record per block, a full split up to the root).
   */
  static long worstIndlen(long len) {
    long maxrecs = BMBT_MAXRECS;
    long rval = 0;
    for (int level = 0; level < BM_MAXLEVELS; level++) {
      len = (len + maxrecs - 1) / maxrecs;
      rval += len;
      if (len == 1) {
        return rval + BM_MAXLEVELS - level - 1;
      }
    }
    return rval;
  }

  int count() {
    return recs.size();
  }

  List<Irec> all() {
    return new ArrayList<>(recs.values());
  }

  /** The record containing {@code fsb}, or null for a hole. */
  @Nullable Irec lookup(long fsb) {
    Map.Entry<Long, Irec> e = recs.floorEntry(fsb);
    return e != null && e.getValue().end() > fsb ? e.getValue() : null;
  }

  /** The first record that contains or starts after {@code fsb}, or null. */
  @Nullable Irec next(long fsb) {
    Irec r = lookup(fsb);
    if (r != null) {
      return r;
    }
    Map.Entry<Long, Irec> e = recs.higherEntry(fsb);
    return e == null ? null : e.getValue();
  }

  /** The last record that ends at or before {@code fsb}, or null. */
  @Nullable Irec prev(long fsb) {
    Map.Entry<Long, Irec> e = recs.lowerEntry(fsb);
    while (e != null && e.getValue().end() > fsb) {
      e = recs.lowerEntry(e.getKey());
    }
    return e == null ? null : e.getValue();
  }

  @Nullable Irec last() {
    Map.Entry<Long, Irec> e = recs.lastEntry();
    return e == null ? null : e.getValue();
  }

  /** Records overlapping {@code [off, end)}, in order. */
  List<Irec> overlapping(long off, long end) {
    List<Irec> out = new ArrayList<>();
    Irec first = lookup(off);
    if (first != null) {
      out.add(first);
    }
    for (Irec r : recs.subMap(off, false, end, false).values()) {
      out.add(r);
    }
    return out;
  }

  /** Adds a record that overlaps nothing (the caller merges). */
  void insert(Irec r) {
    Irec over = next(r.off());
    checkArgument(over == null || over.off() >= r.end(), "%s overlaps %s", r, over);
    recs.put(r.off(), r);
  }

  void remove(Irec r) {
    checkArgument(recs.remove(r.off(), r), "no such record %s", r);
  }

  void replace(Irec old, Irec r) {
    remove(old);
    insert(r);
  }

  /**
   * Splits the record that straddles {@code fsb} so that a record boundary falls there. A split
   * delayed record gets a worst-case indlen for each half, taking extra from free space if it can
   * and otherwise sharing the old reservation ({@code xfs_bmap_split_indlen}).
   */
  void splitAt(long fsb, IndlenBank bank) {
    Irec r = lookup(fsb);
    if (r == null || r.off() == fsb) {
      return;
    }
    long l = fsb - r.off();
    long rl = r.len() - l;
    long li = 0;
    long ri = 0;
    if (r.isDelay()) {
      li = worstIndlen(l);
      ri = worstIndlen(rl);
      long extra = li + ri - r.indlen();
      if (extra > 0) {
        long got = bank.take(extra);
        if (got < extra) {
          long have = r.indlen() + got;
          li = have * l / r.len();
          ri = have - li;
        }
      } else if (extra < 0) {
        bank.give(-extra);
      }
    }
    remove(r);
    recs.put(r.off(), new Irec(r.off(), r.start(), l, r.state(), li));
    recs.put(fsb, new Irec(fsb, r.isDelay() ? 0 : r.start() + l, rl, r.state(), ri));
    bank.split();
  }

  /** Whether {@code a} followed by {@code b} can become one record. */
  static boolean mergeable(Irec a, Irec b) {
    return a.end() == b.off() && a.state() == b.state() && a.len() + b.len() <= MAXEXTLEN
        && (a.isDelay() || a.start() + a.len() == b.start());
  }

  /**
   * Merges the records around {@code fsb} with their neighbours where they are contiguous in
   * the file and on disk and in the same state ({@code xfs_bmap_add_extent_*} left/right
   * contiguity); merged delayed records keep only the worst-case indlen of the sum.
   */
  void mergeAround(long fsb, IndlenBank bank) {
    for (long at : new long[] {fsb, fsb - 1, fsb + 1}) {
      Irec r = lookup(at);
      if (r == null) {
        continue;
      }
      while (true) {
        Irec left = prev(r.off());
        if (left == null || !mergeable(left, r)) {
          break;
        }
        r = join(left, r, bank);
      }
      while (true) {
        Map.Entry<Long, Irec> e = recs.higherEntry(r.off());
        if (e == null || !mergeable(r, e.getValue())) {
          break;
        }
        r = join(r, e.getValue(), bank);
      }
    }
  }

  /** Merges over a whole range (after a state change of many records). */
  void mergeRange(long off, long end, IndlenBank bank) {
    for (Irec r : overlapping(off, end)) {
      if (recs.get(r.off()) == r) {
        mergeAround(r.off(), bank);
      }
    }
    mergeAround(off, bank);
    mergeAround(end, bank);
  }

  private Irec join(Irec a, Irec b, IndlenBank bank) {
    long ind = 0;
    if (a.isDelay()) {
      ind = Math.min(worstIndlen(a.len() + b.len()), a.indlen() + b.indlen());
      bank.give(a.indlen() + b.indlen() - ind);
    }
    recs.remove(a.off());
    recs.remove(b.off());
    Irec m = new Irec(a.off(), a.start(), a.len() + b.len(), a.state(), ind);
    recs.put(m.off(), m);
    bank.merged();
    return m;
  }

  ExtentMap copyWithout(State dropped) {
    ExtentMap m = new ExtentMap();
    for (Irec r : recs.values()) {
      if (r.state() != dropped) {
        m.recs.put(r.off(), r);
      }
    }
    return m;
  }
}
