package org.vfsim.xfsish;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One allocation group's free space, indexed twice as XFS does: by start block (the bnobt, for
 * "near this block" and "exactly this block") and by length then start (the cntbt, for "the
 * smallest extent that fits" and "the longest there is"). Both always describe the same extents.
 */
final class AllocGroup {
  final int agno;
  final long agStart;
  final long agBlocks;
  /** bnobt: start -> length. Package-private so that tests can corrupt it on purpose. */
  final TreeMap<Long, Long> bno = new TreeMap<>();
  /** cntbt: length -> starts. */
  final TreeMap<Long, TreeSet<Long>> cnt = new TreeMap<>();
  private long freeBlocks;
  /** bnobt, cntbt and inobt blocks below their roots (the roots are AG header blocks). */
  final List<Long> bnoBlocks = new ArrayList<>();
  final List<Long> cntBlocks = new ArrayList<>();
  final List<Long> inoBlocks = new ArrayList<>();
  /** Inode chunks (the inobt): first AG inode number -> {first block, free-inode mask}. */
  final TreeMap<Long, long[]> chunks = new TreeMap<>();

  AllocGroup(int agno, long agStart, long agBlocks) {
    this.agno = agno;
    this.agStart = agStart;
    this.agBlocks = agBlocks;
  }

  long freeBlocks() {
    return freeBlocks;
  }

  long end() {
    return agStart + agBlocks;
  }

  boolean contains(long block) {
    return block >= agStart && block < end();
  }

  /** The longest free extent ({@code agf_longest}). */
  long longest() {
    return cnt.isEmpty() ? 0 : cnt.lastKey();
  }

  private void add(long start, long len) {
    bno.put(start, len);
    cnt.computeIfAbsent(len, k -> new TreeSet<>()).add(start);
    freeBlocks += len;
  }

  private void del(long start, long len) {
    checkState(bno.remove(start, len), "bnobt has no %s+%s", start, len);
    TreeSet<Long> s = cnt.get(len);
    checkState(s != null && s.remove(start), "cntbt has no %s+%s", start, len);
    if (s.isEmpty()) {
      cnt.remove(len);
    }
    freeBlocks -= len;
  }

  /** Frees {@code [start, start+len)}, merging with free neighbours; returns the merges made. */
  int free(long start, long len) {
    checkArgument(contains(start) && start + len <= end(), "free %s+%s outside AG %s", start, len,
        agno);
    int merges = 0;
    Map.Entry<Long, Long> l = bno.floorEntry(start);
    checkState(l == null || l.getKey() + l.getValue() <= start, "double free of %s (free %s+%s)",
        start, l == null ? 0 : l.getKey(), l == null ? 0 : l.getValue());
    Map.Entry<Long, Long> r = bno.ceilingEntry(start);
    checkState(r == null || r.getKey() >= start + len, "double free of %s+%s (free %s)", start, len,
        r == null ? 0 : r.getKey());
    if (l != null && l.getKey() + l.getValue() == start) {
      del(l.getKey(), l.getValue());
      start = l.getKey();
      len += l.getValue();
      merges++;
    }
    if (r != null && r.getKey() == start + len) {
      del(r.getKey(), r.getValue());
      len += r.getValue();
      merges++;
    }
    add(start, len);
    return merges;
  }

  /** The free extent containing {@code block}, as {start, len}, or null. */
  long @Nullable [] freeExtentAt(long block) {
    Map.Entry<Long, Long> e = bno.floorEntry(block);
    if (e == null || e.getKey() + e.getValue() <= block) {
      return null;
    }
    return new long[] {e.getKey(), e.getValue()};
  }

  /** Removes {@code [start, start+len)}, which must lie in one free extent. */
  void take(long start, long len) {
    long[] f = freeExtentAt(start);
    checkState(f != null && start + len <= f[0] + f[1], "%s+%s is not free in AG %s", start, len,
        agno);
    del(f[0], f[1]);
    if (start > f[0]) {
      add(f[0], start - f[0]);
    }
    if (start + len < f[0] + f[1]) {
      add(start + len, f[0] + f[1] - start - len);
    }
  }

  /**
   * {@code xfs_alloc_ag_vextent_exact}: {@code [target, target+n)} with {@code minlen <= n <=
   * maxlen}, or null.
   */
  long @Nullable [] allocExact(long target, long minlen, long maxlen) {
    long[] f = freeExtentAt(target);
    if (f == null) {
      return null;
    }
    long n = Math.min(maxlen, f[0] + f[1] - target);
    if (n < minlen) {
      return null;
    }
    take(target, n);
    return new long[] {target, n};
  }

  /**
   * {@code xfs_alloc_ag_vextent_near}: the free extent of at least {@code maxlen} blocks closest
   * to {@code target} (a bidirectional bnobt walk from the target), else the longest one if it
   * holds at least {@code minlen}; placed as close to the target as it fits.
   */
  long @Nullable [] allocNear(long target, long minlen, long maxlen) {
    long t = Math.max(agStart, Math.min(target, end() - 1));
    long[] best = null;
    long bestDiff = Long.MAX_VALUE;
    Map.Entry<Long, Long> lo = bno.floorEntry(t);
    Map.Entry<Long, Long> hi = bno.higherEntry(t);
    while (lo != null || hi != null) {
      if (lo != null) {
        if (lo.getValue() >= maxlen) {
          long s = place(lo.getKey(), lo.getValue(), t, maxlen);
          long d = Math.abs(s - t);
          if (d < bestDiff) {
            best = new long[] {s, maxlen};
            bestDiff = d;
          }
          lo = null;
        } else {
          lo = bno.lowerEntry(lo.getKey());
        }
      }
      if (hi != null) {
        if (hi.getKey() - t >= bestDiff) {
          hi = null;
        } else if (hi.getValue() >= maxlen) {
          long s = place(hi.getKey(), hi.getValue(), t, maxlen);
          long d = Math.abs(s - t);
          if (d < bestDiff) {
            best = new long[] {s, maxlen};
            bestDiff = d;
          }
          hi = null;
        } else {
          hi = bno.higherEntry(hi.getKey());
        }
      }
    }
    if (best == null) {
      long longest = longest();
      if (longest < minlen || longest == 0) {
        return null;
      }
      long n = Math.min(longest, maxlen);
      for (long s : cnt.get(longest)) {
        long p = place(s, longest, t, n);
        long d = Math.abs(p - t);
        if (d < bestDiff) {
          best = new long[] {p, n};
          bestDiff = d;
        }
      }
    }
    take(best[0], best[1]);
    return best;
  }

  /** {@code xfs_alloc_compute_diff}: where in free extent {@code [fs, fs+fl)} n blocks land nearest t. */
  private static long place(long fs, long fl, long t, long n) {
    if (t <= fs) {
      return fs;
    }
    return Math.min(t, fs + fl - n);
  }

  /**
   * {@code xfs_alloc_ag_vextent_size}: best fit by length - the smallest free extent of at least
   * {@code maxlen} (lowest start among equals), else the longest if it holds {@code minlen}.
   */
  long @Nullable [] allocBestFit(long minlen, long maxlen) {
    Map.Entry<Long, TreeSet<Long>> e = cnt.ceilingEntry(maxlen);
    if (e == null) {
      e = cnt.lastEntry();
      if (e == null || e.getKey() < minlen) {
        return null;
      }
    }
    long s = e.getValue().first();
    long n = Math.min(e.getKey(), maxlen);
    take(s, n);
    return new long[] {s, n};
  }

  /** Free extents in block order. */
  List<long[]> extents() {
    List<long[]> out = new ArrayList<>();
    bno.forEach((s, l) -> out.add(new long[] {s, l}));
    return out;
  }

  /** Checks that the two indexes describe the same extents and the counter agrees. */
  void check(org.vfsim.fs.FsckReport.Builder r) {
    long sum = 0;
    long prevEnd = -1;
    int n = 0;
    for (Map.Entry<Long, Long> e : bno.entrySet()) {
      long s = e.getKey();
      long l = e.getValue();
      r.check(l > 0, "AG %d: bnobt record %d has length %d", agno, s, l);
      r.check(s > prevEnd, "AG %d: bnobt records overlap or touch at %d (unmerged)", agno, s);
      r.check(contains(s) && s + l <= end(), "AG %d: free extent %d+%d outside the AG", agno, s, l);
      TreeSet<Long> c = cnt.get(l);
      r.check(c != null && c.contains(s), "AG %d: bnobt %d+%d missing from cntbt", agno, s, l);
      prevEnd = s + l;
      sum += l;
      n++;
    }
    int m = 0;
    for (Map.Entry<Long, TreeSet<Long>> e : cnt.entrySet()) {
      for (long s : e.getValue()) {
        Long l = bno.get(s);
        r.check(l != null && l.equals(e.getKey()), "AG %d: cntbt %d+%d missing from bnobt", agno, s,
            e.getKey());
        m++;
      }
    }
    r.check(n == m, "AG %d: bnobt has %d records, cntbt %d", agno, n, m);
    r.check(sum == freeBlocks, "AG %d: agf_freeblks %d but records sum to %d", agno, freeBlocks, sum);
  }
}
