package org.vfsim.ext2ish;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.fs.alloc.AllocRequest;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.alloc.AllocationPolicy;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.syscall.ErrnoException;

/**
 * ext2's block allocator ({@code ext2_new_blocks}): try the goal's group, then every other group
 * in turn, allocating inside the file's reservation window when it has one; windows of different
 * files never overlap and are kept sorted by start, as ext2's red-black tree keeps them. Callers
 * hold the filesystem lock.
 */
final class BlockAllocator {
  /** EXT2_DEFAULT_RESERVE_BLOCKS. */
  static final int DEFAULT_RESERVE_BLOCKS = 8;
  /** EXT2_MAX_RESERVE_BLOCKS. */
  static final int MAX_RESERVE_BLOCKS = 1027;

  private final Machine machine;
  private final FsState img;
  private final Geometry geo;
  private final MetadataTracker meta;
  private final BlockDevice dev;
  private final DataIo data;
  /** The reservation tree: every non-empty window by start block. */
  final TreeMap<Long, ReservationWindow> windows = new TreeMap<>();
  final Counters counters;
  /** A pluggable placement ({@code policy=NAME}), or null for ext2's own goal and windows. */
  private final @Nullable AllocationPolicy policy;

  BlockAllocator(Machine machine, BlockDevice dev, FsState img, MetadataTracker meta,
      Counters counters) {
    this(machine, dev, img, meta, counters, null);
  }

  BlockAllocator(Machine machine, BlockDevice dev, FsState img, MetadataTracker meta,
      Counters counters, @Nullable AllocationPolicy policy) {
    this.policy = policy;
    this.machine = machine;
    this.dev = dev;
    this.data = new DataIo(dev, img.geo.blockSize);
    this.img = img;
    this.geo = img.geo;
    this.meta = meta;
    this.counters = counters;
  }

  /**
   * Allocates up to {@code count} contiguous blocks near {@code goal}; returns
   * {@code {first, n}}. Throws ENOSPC when no block is free (or the fault-injection hook says so).
   */
  long[] newBlocks(Task task, long goal, int count, @Nullable ReservationWindow rsv) {
    return newBlocks(task, goal, count, rsv, 0, -1);
  }

  /**
   * As above, for the {@code logical} block of inode {@code ino}: what an allocation policy is
   * told about the request (ext2's own allocator needs only the goal).
   */
  long[] newBlocks(Task task, long goal, int count, @Nullable ReservationWindow rsv, long ino,
      long logical) {
    counters.allocCalls++;
    try {
      machine.hooks().fire(HookPoint.BLOCK_ALLOCATION, task);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENOSPC) {
        counters.enospc++;
        throw Errno.ENOSPC.exception("injected at block allocation");
      }
      throw e;
    }
    if (img.freeBlocksCount <= 0) {
      counters.enospc++;
      throw Errno.ENOSPC.exception("no free blocks");
    }
    if (goal < geo.firstDataBlock || goal >= geo.blocksCount) {
      goal = geo.firstDataBlock;
    }
    if (policy != null) {
      return withPolicy(goal, count, ino, logical);
    }
    int goalGroup = geo.groupOf(goal);
    int windowSize = rsv == null ? 0 : rsv.goalSize;
    while (true) {
      int group = goalGroup;
      // A nearly full group is no place to open a new window.
      if (rsv != null && img.freeBlocks[group] < windowSize && img.freeBlocks[group] > 0
          && rsv.isEmpty()) {
        rsv = null;
      }
      if (img.freeBlocks[group] > 0) {
        long r = tryWithRsv(group, (int) (goal - geo.groupFirst(group)), rsv, count);
        if (r >= 0) {
          return allocated(group, r, goal);
        }
      }
      for (int i = 0; i < geo.groups; i++) {
        group = (group + 1) % geo.groups;
        int free = img.freeBlocks[group];
        if (free == 0 || (rsv != null && free <= windowSize / 2)) {
          continue;
        }
        long r = tryWithRsv(group, -1, rsv, count);
        if (r >= 0) {
          return allocated(group, r, goal);
        }
      }
      if (rsv == null) {
        counters.enospc++;
        throw Errno.ENOSPC.exception("no group has a free block");
      }
      // Windows failed everywhere: retry from the goal group without one.
      rsv = null;
      windowSize = 0;
    }
  }

  /**
   * The policy chooses among the bitmaps' free runs (a run never crosses a group, so the choice
   * is inside one group); ext2 then takes exactly those blocks. Reservation windows do not apply:
   * placement is the policy's.
   */
  private long[] withPolicy(long goal, int count, long ino, long logical) {
    BlockExtent e = AllocationPolicies.choose(policy,
        new AllocRequest(ino, logical, count, 1, goal, List.of()), new BitmapFreeSpace(img))
        .orElseThrow(() -> {
          counters.enospc++;
          return Errno.ENOSPC.exception("the allocation policy found no free block");
        });
    int group = geo.groupOf(e.start());
    int first = (int) (e.start() - geo.groupFirst(group));
    BitSet bitmap = img.blockBitmap(group);
    for (int b = first; b < first + e.length(); b++) {
      bitmap.set(b);
    }
    counters.groupsScanned++;
    return allocated(group, ((long) first << 32) | e.length(), goal);
  }

  /** Blocks freed: a policy with state (a cursor) hears of it. */
  private void tellPolicyFreed(long block, long n) {
    if (policy != null) {
      policy.freed(new BlockExtent(block, n));
    }
  }

  private long[] allocated(int group, long packed, long goal) {
    int first = (int) (packed >>> 32);
    int n = (int) packed;
    long block = geo.groupFirst(group) + first;
    img.freeBlocks[group] -= n;
    img.freeBlocksCount -= n;
    img.blocksChanged(group);
    discardStale(group, first, n);
    counters.blocksAllocated += n;
    if (block == goal) {
      counters.goalHits++;
    }
    meta.dirtyGroup(group);
    return new long[] {block, n};
  }

  /**
   * Discards the stale blocks of a new allocation. Not ext2 (which would let a power cut show a
   * freed file's bytes in a block whose new owner's data never reached the disk, once another
   * file's fsync stored the image): with it, such a block reads as zeros, as the hole it was.
   */
  private void discardStale(int group, int first, int n) {
    BitSet stale = img.staleFree(group);
    int end = first + n;
    for (int i = stale.nextSetBit(first); i >= 0 && i < end; ) {
      int stop = Math.min(end, stale.nextClearBit(i));
      data.discard(geo.groupFirst(group) + i, stop - i);
      counters.blocksDiscarded += stop - i;
      stale.clear(i, stop);
      i = stale.nextSetBit(stop);
    }
  }

  /** Discards every stale free block (at a clean unmount), adjacent ones in one request. */
  void discardAllStale() {
    for (int g = 0; g < geo.groups; g++) {
      BitSet stale = img.staleFreeIfMade(g);
      if (stale == null) {
        if (!img.staleAfterCrash) {
          continue;
        }
        // Every free block of a group not looked at since the crash: made here and let go.
        stale = new BitSet(geo.blocksInGroup(g));
        stale.set(0, geo.blocksInGroup(g));
        stale.andNot(img.peekBlockBitmap(g));
      }
      for (int i = stale.nextSetBit(0); i >= 0; ) {
        int stop = stale.nextClearBit(i);
        data.discard(geo.groupFirst(g) + i, stop - i);
        i = stale.nextSetBit(stop);
      }
      stale.clear();
    }
    img.staleAfterCrash = false;
  }

  /** {@code ext2_try_to_allocate_with_rsv}: returns {@code first << 32 | n} or -1. */
  private long tryWithRsv(int group, int grpGoal, @Nullable ReservationWindow rsv, int count) {
    counters.groupsScanned++;
    if (rsv == null) {
      return tryToAllocate(group, grpGoal, count, null);
    }
    long groupFirst = geo.groupFirst(group);
    long groupLast = groupFirst + geo.blocksInGroup(group) - 1;
    boolean failed = false;
    while (true) {
      if (rsv.isEmpty() || failed || !inWindow(rsv, grpGoal, groupFirst)) {
        if (rsv.goalSize < count) {
          rsv.goalSize = count;
        }
        if (!allocNewReservation(rsv, grpGoal, group)) {
          return -1;
        }
        if (!inWindow(rsv, grpGoal, groupFirst)) {
          grpGoal = -1;
        }
      } else if (grpGoal >= 0) {
        long room = rsv.end - (grpGoal + groupFirst) + 1;
        if (room < count) {
          extendReservation(rsv, count - room);
        }
      }
      if (rsv.start > groupLast || rsv.end < groupFirst) {
        throw new IllegalStateException("reservation window outside group " + group + ": " + rsv);
      }
      long r = tryToAllocate(group, grpGoal, count, rsv);
      if (r >= 0) {
        rsv.allocHit += (int) r;
        counters.windowAllocated += (int) r;
        return r;
      }
      failed = true;
    }
  }

  private static boolean inWindow(ReservationWindow rsv, int grpGoal, long groupFirst) {
    return grpGoal >= 0 && rsv.contains(groupFirst + grpGoal);
  }

  /**
   * {@code alloc_new_reservation}: a window of the goal size starting at the goal (or the group
   * start), past the windows already there, that holds at least one free block. Doubles the goal
   * size first when more than half of the old window was used.
   */
  private boolean allocNewReservation(ReservationWindow rsv, int grpGoal, int group) {
    long groupFirst = geo.groupFirst(group);
    long groupEnd = groupFirst + geo.blocksInGroup(group) - 1;
    long startBlock = grpGoal < 0 ? groupFirst : groupFirst + grpGoal;
    if (!rsv.isEmpty()) {
      // A window that crosses into the next group and holds the goal: its first part just failed.
      if (rsv.start <= groupEnd && rsv.end > groupEnd && startBlock >= rsv.start) {
        return false;
      }
      if (rsv.allocHit > (rsv.end - rsv.start + 1) / 2) {
        rsv.goalSize = Math.min(rsv.goalSize * 2, MAX_RESERVE_BLOCKS);
        counters.windowGrown++;
      }
    }
    while (true) {
      if (!findReservableWindow(rsv, startBlock, groupEnd)) {
        removeWindow(rsv);
        return false;
      }
      BitSet bitmap = img.blockBitmap(group);
      int from = (int) (rsv.start - groupFirst);
      int firstFree = from >= geo.blocksInGroup(group) ? -1 : bitmap.nextClearBit(from);
      if (firstFree < 0 || firstFree >= geo.blocksInGroup(group)) {
        removeWindow(rsv);
        return false;
      }
      long freeBlock = groupFirst + firstFree;
      if (freeBlock >= rsv.start && freeBlock <= rsv.end) {
        counters.windowsOpened++;
        return true;
      }
      // The window holds no free block: slide it to start at the next free one.
      startBlock = freeBlock;
    }
  }

  /**
   * {@code find_next_reservable_window}: the first gap of {@code goalSize} blocks at or after
   * {@code start} between the windows of other files; moves {@code rsv} there.
   */
  private boolean findReservableWindow(ReservationWindow rsv, long start, long lastBlock) {
    if (!rsv.isEmpty()) {
      windows.remove(rsv.start);
    }
    long cur = start;
    Map.Entry<Long, ReservationWindow> before = windows.floorEntry(cur);
    if (before != null && cur <= before.getValue().end) {
      cur = before.getValue().end + 1;
    }
    for (ReservationWindow w : windows.tailMap(cur, true).values()) {
      if (cur > lastBlock) {
        break;
      }
      if (cur + rsv.goalSize <= w.start) {
        break;
      }
      cur = Math.max(cur, w.end + 1);
    }
    if (cur > lastBlock) {
      rsv.start = -1;
      rsv.end = -1;
      return false;
    }
    rsv.start = cur;
    rsv.end = cur + rsv.goalSize - 1;
    rsv.allocHit = 0;
    windows.put(rsv.start, rsv);
    return true;
  }

  /** {@code try_to_extend_reservation}: grows the window's end if no other window is in the way. */
  private void extendReservation(ReservationWindow rsv, long size) {
    Map.Entry<Long, ReservationWindow> next = windows.higherEntry(rsv.start);
    long newEnd = rsv.end + size;
    if (next == null || newEnd < next.getValue().start) {
      rsv.end = newEnd;
    } else {
      rsv.end = next.getValue().start - 1;
    }
  }

  /** {@code rsv_window_remove}: the window is dropped from the tree (its goal size is kept). */
  void removeWindow(ReservationWindow rsv) {
    if (!rsv.isEmpty()) {
      windows.remove(rsv.start);
      counters.windowsDiscarded++;
    }
    rsv.start = -1;
    rsv.end = -1;
    rsv.allocHit = 0;
  }

  /**
   * {@code ext2_try_to_allocate}: takes the goal block (or, with none, the next usable free block,
   * backing up to the start of its free run when not in a window) and the free blocks after it,
   * up to {@code count}, staying inside the window. Returns {@code first << 32 | n} or -1.
   */
  private long tryToAllocate(int group, int grpGoal, int count, @Nullable ReservationWindow rsv) {
    BitSet bitmap = img.blockBitmap(group);
    long groupFirst = geo.groupFirst(group);
    int size = geo.blocksInGroup(group);
    int start;
    int end;
    if (rsv != null) {
      start = (int) Math.max(0, rsv.start - groupFirst);
      end = (int) Math.min(size, rsv.end - groupFirst + 1);
      if (start <= grpGoal && grpGoal < end) {
        start = grpGoal;
      } else {
        grpGoal = -1;
      }
    } else {
      start = Math.max(grpGoal, 0);
      end = size;
    }
    if (start >= end) {
      return -1;
    }
    while (true) {
      if (grpGoal < 0) {
        grpGoal = findNextUsableBlock(bitmap, start, end);
        if (grpGoal < 0) {
          return -1;
        }
        if (rsv == null) {
          for (int i = 0; i < 7 && grpGoal > start && !bitmap.get(grpGoal - 1); i++) {
            grpGoal--;
          }
        }
      }
      start = grpGoal;
      if (bitmap.get(grpGoal)) {
        start++;
        grpGoal++;
        if (start >= end) {
          return -1;
        }
        continue;
      }
      int n = 0;
      while (n < count && grpGoal < end && !bitmap.get(grpGoal)) {
        bitmap.set(grpGoal);
        n++;
        grpGoal++;
      }
      return ((long) start << 32) | n;
    }
  }

  /**
   * {@code find_next_usable_block}: a free block in the rest of the goal's 64-block word, else
   * the start of a free byte (8 free blocks), else any free block.
   */
  private static int findNextUsableBlock(BitSet bitmap, int start, int end) {
    if (start > 0) {
      int endGoal = Math.min((start + 63) & ~63, end);
      int here = bitmap.nextClearBit(start);
      if (here < endGoal) {
        return here;
      }
    }
    int here = Math.max(start, 0);
    for (int b = here & ~7; b + 8 <= end; b += 8) {
      int set = bitmap.nextSetBit(b);
      if (set < 0 || set >= b + 8) {
        if (b >= here) {
          return b;
        }
        break;
      }
    }
    int next = bitmap.nextClearBit(here);
    return next < end ? next : -1;
  }

  /**
   * {@code ext2_free_blocks}: clears a run of blocks in the bitmaps and counters. The blocks keep
   * their bytes (a stored image may still map them to their old owner) and are marked stale.
   */
  void freeBlocks(long block, long n) {
    counters.freeCalls++;
    for (long b = block; b < block + n; b++) {
      int g = geo.groupOf(b);
      int rel = (int) (b - geo.groupFirst(g));
      BitSet bitmap = img.blockBitmap(g);
      if (!bitmap.get(rel) || rel < geo.overheadOf(g)) {
        throw new IllegalStateException("freeing free or system block " + b);
      }
      bitmap.clear(rel);
      img.staleFree(g).set(rel);
      meta.forget(b);
      img.dirBlocks.remove(b);
      img.freeBlocks[g]++;
      img.freeBlocksCount++;
      counters.blocksFreed++;
      meta.dirtyGroup(g);
    }
    tellPolicyFreed(block, n);
  }
}
