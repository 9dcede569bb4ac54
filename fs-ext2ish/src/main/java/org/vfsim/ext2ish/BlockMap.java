package org.vfsim.ext2ish;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * The indirect block map ({@code ext2_get_block}, {@code ext2_truncate_blocks}): 12 direct
 * pointers, then single, double and triple indirect blocks, which are allocated from the same
 * allocator in the same call as the data block below them and are written as metadata. Callers
 * hold the filesystem lock.
 */
final class BlockMap {
  private final FsState img;
  private final Geometry geo;
  private final BlockAllocator alloc;
  private final MetadataTracker meta;
  private final Counters counters;
  private final long ptrs;

  BlockMap(FsState img, BlockAllocator alloc, MetadataTracker meta, Counters counters) {
    this.img = img;
    this.geo = img.geo;
    this.alloc = alloc;
    this.meta = meta;
    this.counters = counters;
    this.ptrs = geo.pointersPerBlock();
  }

  /** Largest logical block + 1 the map can address. */
  long maxBlocks() {
    return 12 + ptrs + ptrs * ptrs + ptrs * ptrs * ptrs;
  }

  /** {@code ext2_block_to_path}: the offsets at each level of the tree for {@code lblock}. */
  int[] path(long lblock) {
    if (lblock < 0) {
      throw Errno.EINVAL.exception("negative block");
    }
    if (lblock < InodeRecord.NDIR) {
      return new int[] {(int) lblock};
    }
    long b = lblock - InodeRecord.NDIR;
    if (b < ptrs) {
      return new int[] {InodeRecord.IND, (int) b};
    }
    b -= ptrs;
    if (b < ptrs * ptrs) {
      return new int[] {InodeRecord.DIND, (int) (b / ptrs), (int) (b % ptrs)};
    }
    b -= ptrs * ptrs;
    if (b < ptrs * ptrs * ptrs) {
      return new int[] {InodeRecord.TIND, (int) (b / (ptrs * ptrs)), (int) ((b / ptrs) % ptrs),
          (int) (b % ptrs)};
    }
    throw Errno.EFBIG.exception("block " + lblock + " past the triple indirect tree");
  }

  /** The physical block of {@code lblock}, or 0 for a hole. */
  long lookup(InodeRecord rec, long lblock) {
    if (lblock >= maxBlocks()) {
      return 0;
    }
    int[] p = path(lblock);
    long[] arr = rec.data;
    for (int i = 0; i < p.length; i++) {
      long v = arr[p[i]];
      if (v == 0 || i == p.length - 1) {
        return v;
      }
      arr = img.indirect.get(v);
    }
    return 0;
  }

  /**
   * {@code ext2_get_block} with create: maps {@code lblock}, allocating it and any missing
   * indirect blocks (indirect first, then data, in one allocator call when they fit). Returns
   * {@code {physical, 1 if newly allocated else 0}}.
   */
  long[] getBlockCreate(Task task, InodeRecord rec, AllocInfo info, long lblock,
      @Nullable ReservationWindow rsv) {
    int[] p = path(lblock);
    // Walk to the first missing pointer (ext2_get_branch); "partial" is where it breaks.
    long[] arr = rec.data;
    long arrBlock = 0;
    int level = 0;
    while (true) {
      long v = arr[p[level]];
      if (v == 0) {
        break;
      }
      if (level == p.length - 1) {
        return new long[] {v, 0};
      }
      arrBlock = v;
      arr = img.indirect.get(v);
      level++;
    }
    long goal = findGoal(task, rec, info, lblock, arr, p[level], arrBlock);
    int indirect = p.length - 1 - level;
    long[] fresh = allocBlocks(task, goal, indirect, rsv, rec.ino, lblock);
    // ext2_alloc_branch + ext2_splice_branch: new indirect blocks start zeroed and dirty.
    long[] cur = arr;
    int idx = p[level];
    for (int k = 0; k < indirect; k++) {
      long ind = fresh[k];
      img.indirect.put(ind, new long[(int) ptrs]);
      meta.dirty(ind);
      cur[idx] = ind;
      cur = img.indirect.get(ind);
      idx = p[level + 1 + k];
    }
    long data = fresh[indirect];
    cur[idx] = data;
    if (level > 0) {
      meta.dirty(arrBlock); // the existing indirect block that now points at the new branch
    }
    meta.dirtyInode(rec.ino); // i_blocks, and i_block[] when the branch hangs off the inode
    rec.blocks += indirect + 1;
    counters.indirectAllocated += indirect;
    info.lastLogical = lblock;
    info.lastPhysical = data;
    return new long[] {data, 1};
  }

  /**
   * {@code ext2_find_goal}: the block after the last one allocated for a sequential write, else
   * {@code ext2_find_near}: the nearest mapped block before it in the same pointer array, else
   * that array's indirect block, else the inode's group at the process's colour offset.
   */
  private long findGoal(Task task, InodeRecord rec, AllocInfo info, long lblock, long[] arr,
      int idx, long arrBlock) {
    if (info.lastLogical >= 0 && lblock == info.lastLogical + 1 && info.lastPhysical != 0) {
      return info.lastPhysical + 1;
    }
    for (int i = idx - 1; i >= 0; i--) {
      if (arr[i] != 0) {
        return arr[i];
      }
    }
    if (arrBlock != 0) {
      return arrBlock;
    }
    int group = geo.inodeGroup(rec.ino);
    long colour = (task.process().pid() % 16L) * (geo.blocksPerGroup / 16);
    return geo.groupFirst(group) + colour;
  }

  /**
   * {@code ext2_alloc_blocks}: {@code indirect} indirect blocks and one data block, contiguous
   * when possible; frees what it got if it cannot get them all.
   */
  private long[] allocBlocks(Task task, long goal, int indirect, @Nullable ReservationWindow rsv,
      long ino, long lblock) {
    long[] out = new long[indirect + 1];
    int have = 0;
    List<long[]> got = new ArrayList<>();
    try {
      while (have <= indirect) {
        long[] r = alloc.newBlocks(task, goal, indirect + 1 - have, rsv, ino, lblock);
        got.add(r);
        for (long b = r[0]; b < r[0] + r[1]; b++) {
          out[have++] = b;
        }
      }
    } catch (ErrnoException e) {
      for (long[] r : got) {
        alloc.freeBlocks(r[0], r[1]);
      }
      throw e;
    }
    return out;
  }

  /** The file's indirect blocks only (no walk over data pointers of the leaves). */
  void forEachIndirect(InodeRecord rec, LongConsumer sink) {
    for (int d = 1; d <= 3; d++) {
      walkIndirect(rec.data[InodeRecord.NDIR + d - 1], d, sink);
    }
  }

  private void walkIndirect(long blk, int depth, LongConsumer sink) {
    if (blk == 0) {
      return;
    }
    sink.accept(blk);
    if (depth > 1) {
      for (long c : img.indirect.get(blk)) {
        walkIndirect(c, depth - 1, sink);
      }
    }
  }

  /** Every mapped block of the file and every indirect block, for fsck: {@code {block, 1 if indirect}}. */
  void forEachBlock(InodeRecord rec, BiConsumer<Long, Boolean> sink) {
    for (int i = 0; i < InodeRecord.NDIR; i++) {
      if (rec.data[i] != 0) {
        sink.accept(rec.data[i], false);
      }
    }
    for (int d = 1; d <= 3; d++) {
      walk(rec.data[InodeRecord.NDIR + d - 1], d, sink);
    }
  }

  private void walk(long blk, int depth, BiConsumer<Long, Boolean> sink) {
    if (blk == 0) {
      return;
    }
    if (depth == 0) {
      sink.accept(blk, false);
      return;
    }
    sink.accept(blk, true);
    long[] arr = img.indirect.get(blk);
    if (arr == null) {
      return;
    }
    for (long c : arr) {
      walk(c, depth - 1, sink);
    }
  }

  /**
   * {@code ext2_truncate_blocks}: frees every data block at or past logical block {@code keep}
   * and every indirect block left with no pointer, zeroing the pointers to them.
   */
  int truncate(InodeRecord rec, long keep) {
    List<Long> freed = new ArrayList<>();
    for (int i = 0; i < InodeRecord.NDIR; i++) {
      if (i >= keep && rec.data[i] != 0) {
        freed.add(rec.data[i]);
        rec.data[i] = 0;
      }
    }
    long base = InodeRecord.NDIR;
    long span = ptrs;
    for (int d = 1; d <= 3; d++) {
      int slot = InodeRecord.NDIR + d - 1;
      if (rec.data[slot] != 0 && freeSubtree(rec.data[slot], d, base, keep, freed)) {
        rec.data[slot] = 0;
      }
      base += span;
      span *= ptrs;
    }
    if (!freed.isEmpty()) {
      meta.dirtyInode(rec.ino);
      rec.blocks -= freed.size();
      counters.truncatedBlocks += freed.size();
      freeRuns(freed);
    }
    return freed.size();
  }

  /** Frees the part of a subtree at or past {@code keep}; returns whether {@code blk} itself went. */
  private boolean freeSubtree(long blk, int depth, long base, long keep, List<Long> freed) {
    long span = 1;
    for (int i = 0; i < depth; i++) {
      span *= ptrs;
    }
    if (base + span <= keep) {
      return false;
    }
    if (depth == 0) {
      freed.add(blk);
      return true;
    }
    long[] arr = img.indirect.get(blk);
    long child = span / ptrs;
    boolean any = false;
    boolean changed = false;
    for (int i = 0; i < arr.length; i++) {
      if (arr[i] == 0) {
        continue;
      }
      if (freeSubtree(arr[i], depth - 1, base + i * child, keep, freed)) {
        arr[i] = 0;
        changed = true;
      } else {
        any = true;
      }
    }
    if (!any) {
      img.indirect.remove(blk);
      meta.forget(blk);
      freed.add(blk);
      return true;
    }
    if (changed) {
      meta.dirty(blk);
    }
    return false;
  }

  private void freeRuns(List<Long> blocks) {
    blocks.sort(null);
    long start = blocks.get(0);
    long n = 1;
    for (int i = 1; i < blocks.size(); i++) {
      long b = blocks.get(i);
      if (b == start + n) {
        n++;
      } else {
        alloc.freeBlocks(start, n);
        start = b;
        n = 1;
      }
    }
    alloc.freeBlocks(start, n);
  }

  /** Visits a mapped data block; returns false to stop. */
  interface DataVisitor {
    boolean visit(long logical, long physical);
  }

  /** Visits the mapped data blocks at or after {@code from} in logical order, skipping holes. */
  void forEachData(InodeRecord rec, long from, DataVisitor v) {
    for (int i = (int) Math.min(from, InodeRecord.NDIR); i < InodeRecord.NDIR; i++) {
      if (rec.data[i] != 0 && !v.visit(i, rec.data[i])) {
        return;
      }
    }
    long base = InodeRecord.NDIR;
    long span = ptrs;
    for (int d = 1; d <= 3; d++) {
      long blk = rec.data[InodeRecord.NDIR + d - 1];
      if (blk != 0 && base + span > from && !visit(blk, d, base, from, v)) {
        return;
      }
      base += span;
      span *= ptrs;
    }
  }

  private boolean visit(long blk, int depth, long base, long from, DataVisitor v) {
    if (depth == 0) {
      return base < from || v.visit(base, blk);
    }
    long child = 1;
    for (int i = 1; i < depth; i++) {
      child *= ptrs;
    }
    long[] arr = img.indirect.get(blk);
    int start = (int) Math.max(0, (from - base) / child);
    for (int i = start; i < arr.length; i++) {
      if (arr[i] != 0 && !visit(arr[i], depth - 1, base + i * child, from, v)) {
        return false;
      }
    }
    return true;
  }
}
