package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * A block group's free space ({@code free-space-cache.c}) and its allocation cursor, and the
 * data allocator. As btrfs's data allocation does with its shared cluster/last-allocation
 * pointer, every allocation starts at the cursor and moves it past what it took, whatever file
 * asked: interleaved appends to different files therefore interleave on disk. The metadata
 * block group uses one too, for tree nodes.
 */
final class FreeSpaceCache {
  private final TreeMap<Long, Long> free = new TreeMap<>();
  private final long start;
  private final long end;
  private long cursor;
  private long freeBytes;

  FreeSpaceCache(long start, long end) {
    this.start = start;
    this.end = end;
    this.cursor = start;
  }

  long freeBytes() {
    return freeBytes;
  }

  long cursor() {
    return cursor;
  }

  /** Returns {@code [start, start+len)} to the free space, merging with neighbours. */
  void add(long s, long len) {
    checkArgument(len > 0 && s >= start && s + len <= end, "free %s+%s outside region", s, len);
    Map.Entry<Long, Long> below = free.floorEntry(s);
    if (below != null) {
      checkState(below.getKey() + below.getValue() <= s, "double free at %s", s);
    }
    Map.Entry<Long, Long> above = free.ceilingEntry(s);
    if (above != null) {
      checkState(s + len <= above.getKey(), "double free at %s", s);
    }
    long ns = s;
    long nl = len;
    if (below != null && below.getKey() + below.getValue() == s) {
      ns = below.getKey();
      nl += below.getValue();
      free.remove(below.getKey());
    }
    if (above != null && above.getKey() == s + len) {
      nl += above.getValue();
      free.remove(above.getKey());
    }
    free.put(ns, nl);
    freeBytes += len;
  }

  /** Takes {@code [s, s+len)}, which must be free. */
  void remove(long s, long len) {
    Map.Entry<Long, Long> e = free.floorEntry(s);
    checkState(e != null && e.getKey() + e.getValue() >= s + len, "%s+%s is not free", s, len);
    long es = e.getKey();
    long el = e.getValue();
    free.remove(es);
    if (s > es) {
      free.put(es, s - es);
    }
    if (s + len < es + el) {
      free.put(s + len, es + el - s - len);
    }
    freeBytes -= len;
  }

  /**
   * {@code find_free_extent}: the first free run of {@code want} bytes at or after the cursor
   * (wrapping once); failing that, the largest run of at least {@code min} bytes, as btrfs
   * retries with smaller sizes. Returns {@code {start, len}} or null; does not take it.
   */
  long[] find(long want, long min) {
    long[] best = null;
    for (int pass = 0; pass < 2; pass++) {
      Map<Long, Long> view = pass == 0 ? free.tailMap(floorStart(cursor), true)
          : free.headMap(floorStart(cursor), false);
      for (Map.Entry<Long, Long> e : view.entrySet()) {
        long s = Math.max(e.getKey(), pass == 0 ? cursor : e.getKey());
        long avail = e.getKey() + e.getValue() - s;
        if (avail <= 0) {
          continue;
        }
        if (avail >= want) {
          return new long[] {s, want};
        }
        if (avail >= min && (best == null || avail > best[1])) {
          best = new long[] {s, avail};
        }
      }
    }
    return best;
  }

  private long floorStart(long at) {
    Long k = free.floorKey(at);
    return k == null ? start : k;
  }

  void advanceCursor(long to) {
    cursor = to >= end ? start : to;
  }

  List<long[]> extents() {
    List<long[]> out = new ArrayList<>();
    free.forEach((s, l) -> out.add(new long[] {s, l}));
    return out;
  }

  /** Whether any byte of {@code [s, s+len)} is free. */
  boolean overlaps(long s, long len) {
    Map.Entry<Long, Long> e = free.floorEntry(s + len - 1);
    return e != null && e.getKey() + e.getValue() > s;
  }

  /** Test-only breakage for showing that fsck catches a free-space overlap. */
  void corruptAddOverlapping(long s, long len) {
    free.put(s, len);
    freeBytes += len;
  }

  /**
   * {@code find_free_extent} for one data allocation: fires {@link HookPoint#BLOCK_ALLOCATION}
   * (an ENOSPC it throws means no space), then takes up to {@code want} bytes (at least
   * {@code min}) at the shared cursor. The bytes become {@code reserved} until the write completes. Returns {start, len} or null.
   */
  long @Nullable [] allocate(BtrfsFs fs, Task task, long want, long min) {
    fs.counters.allocCalls++;
    try {
      fs.machine().hooks().fire(HookPoint.BLOCK_ALLOCATION, task);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENOSPC) {
        fs.counters.allocFailures++;
        return null;
      }
      throw e;
    }
    long[] got = find(want, min);
    if (got == null) {
      fs.counters.allocFailures++;
      return null;
    }
    remove(got[0], got[1]);
    advanceCursor(got[0] + got[1]);
    fs.data.reserved += got[1];
    return got;
  }
}
