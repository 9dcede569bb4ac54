package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;
import org.vfsim.xfsish.ExtentMap.Irec;
import org.vfsim.xfsish.ExtentMap.State;

/**
 * The block-mapping layer ({@code xfs_bmap.c} and {@code xfs_iomap.c}): delayed allocation
 * reservations and their conversion at writeback, write-time unwritten allocation, unwritten to
 * written conversion at I/O completion, and freeing. Every change happens under the
 * superblock's monitor; allocation calls fire the allocation hook before taking it.
 */
final class Bmap {
  /**
   * The most one buffered-write mapping covers ({@code xfs_buffered_write_iomap_begin} caps
   * {@code count} at 1024 pages, to keep its work in step with writeback's): a longer write
   * reserves chunk by chunk, so it writes what fits and its next chunk gets ENOSPC.
   */
  static final long MAX_WRITE_MAPPING_BYTES = 1024L * Folio.SIZE;

  private final XfsSuperBlock sb;
  private final int bs;

  Bmap(XfsSuperBlock sb) {
    this.sb = sb;
    this.bs = sb.bs;
  }

  private long ceilFsb(long bytes) {
    return (bytes + bs - 1) / bs;
  }

  @Nullable State stateAt(XfsInode ip, long fsb) {
    synchronized (sb) {
      Irec r = ip.extents().lookup(fsb);
      return r == null ? null : r.state();
    }
  }

  @Nullable Irec lookup(XfsInode ip, long fsb) {
    synchronized (sb) {
      return ip.extents().lookup(fsb);
    }
  }

  // ---- the buffered write side (xfs_buffered_write_iomap_begin / _end) -----------------------

  /**
   * Maps {@code [pos, pos+count)} for a buffered write, starting at {@code pos}: an existing
   * extent as it is, or a hole filled with a delayed reservation (data plus worst-case indlen)
   * up to the next extent or the end of the write, plus speculative preallocation when the write
   * extends the file into a hole at EOF. With {@code alloc=unwritten} the hole gets real
   * unwritten blocks instead. At most {@link #MAX_WRITE_MAPPING_BYTES} are mapped; the caller
   * maps the rest of its write afterwards. {@code fault} marks {@code page_mkwrite}, which
   * never preallocates.
   */
  Iomap writeBegin(Task task, XfsInode ip, long pos, long count, boolean fault) {
    // The cap comes first: the reservation, the preallocation size and its alignment all see
    // the capped end, as in XFS.
    count = Math.min(count, MAX_WRITE_MAPPING_BYTES);
    long off = pos / bs;
    long endFsb = ceilFsb(pos + count);
    while (true) {
      Irec next;
      synchronized (sb) {
        ExtentMap map = ip.extents();
        Irec r = map.lookup(off);
        if (r != null) {
          notePreallocUse(ip, r, off, endFsb, pos + count);
          long len = Math.min(count, r.end() * bs - pos);
          Iomap.Type t = switch (r.state()) {
            case DELAY -> Iomap.Type.DELALLOC;
            case UNWRITTEN -> Iomap.Type.UNWRITTEN;
            case NORM -> Iomap.Type.MAPPED;
          };
          return new Iomap(t, pos, len, false);
        }
        next = map.next(off);
      }
      long holeEnd = next == null ? Long.MAX_VALUE : next.off();
      long want = Math.min(Math.min(endFsb, holeEnd) - off, ExtentMap.MAXEXTLEN);
      if (sb.unwrittenMode) {
        long got = allocUnwritten(task, ip, off, want);
        if (got == 0) {
          continue; // raced with writeback filling the hole: look again
        }
        return new Iomap(Iomap.Type.UNWRITTEN, pos, Math.min(count, (off + got) * bs - pos), true);
      }
      synchronized (sb) {
        if (ip.extents().lookup(off) != null || ip.extents().next(off) != next) {
          continue;
        }
        long prealloc = 0;
        if (next == null && !fault) {
          prealloc = preallocBlocks(ip, pos, count, off, endFsb, want);
        }
        try {
          reserveDelalloc(ip, off, want + prealloc);
        } catch (org.vfsim.syscall.ErrnoException e) {
          if (prealloc == 0) {
            throw e;
          }
          prealloc = 0; // xfs retries the reservation without speculation
          reserveDelalloc(ip, off, want);
        }
        sb.count(Counter.PREALLOC_MADE_BLOCKS, prealloc);
        return new Iomap(Iomap.Type.DELALLOC, pos, Math.min(count, (off + want) * bs - pos), true);
      }
    }
  }

  /** The prealloc rule plus its alignment to the allocsize boundary past the write's end. */
  private long preallocBlocks(XfsInode ip, long pos, long count, long off, long endFsb, long want) {
    List<Irec> behind = new ArrayList<>();
    Irec p = ip.extents().prev(off);
    while (p != null && behind.size() < 256) {
      behind.add(p);
      p = ip.extents().prev(p.off());
    }
    long blocks = Prealloc.size(ip.size(), pos + count, sb.allocsizeBlocks, sb.fixedAllocsize,
        behind, off, sb.fdblocks(), sb.dblocks, bs);
    if (blocks == 0 || off + want < endFsb) {
      return 0;
    }
    long align = sb.allocsizeBlocks * bs; // XFS_ALLOC_ALIGN: round down to allocsize
    long endOffset = (pos + count - 1) / align * align;
    long pEnd = endOffset / bs + blocks;
    long extra = Math.max(0, pEnd - endFsb);
    return Math.min(want + extra, ExtentMap.MAXEXTLEN) - want;
  }

  private void notePreallocUse(XfsInode ip, Irec r, long off, long endFsb, long writeEnd) {
    long isize = ip.size();
    if (writeEnd <= isize || ip.preallocFlag() || (r.state() == State.NORM)) {
      return;
    }
    long from = Math.max(off, ceilFsb(isize));
    long to = Math.min(r.end(), endFsb);
    if (to > from) {
      sb.count(Counter.PREALLOC_USED_BLOCKS, to - from);
    }
  }

  /** {@code xfs_bmapi_reserve_delalloc}: data plus worst-case indlen out of {@code m_fdblocks}. */
  private void reserveDelalloc(XfsInode ip, long off, long len) {
    long indlen = ExtentMap.worstIndlen(len);
    sb.decFdblocks(len + indlen);
    sb.reserved(len, indlen);
    ip.delayed += len;
    ip.extents().insert(new Irec(off, 0, len, State.DELAY, indlen));
    ip.extents().mergeAround(off, sb);
    sb.count(Counter.DELALLOC_RESERVED_BLOCKS, len);
    sb.count(Counter.DELALLOC_INDLEN_RESERVED, indlen);
  }

  /**
   * {@code xfs_buffered_write_iomap_end}: a mapping this write created loses the part the write
   * did not use, except where a page is dirty (or already under writeback): that data still
   * needs its reservation ({@code iomap_write_delalloc_release}). Speculative preallocation past
   * the write is outside the mapping and stays.
   */
  void writeEnd(Task task, XfsInode ip, Iomap m, long written) {
    if (!m.isNew()) {
      return;
    }
    long start = written == 0 ? m.offset() / bs : ceilFsb(m.offset() + written);
    long end = ceilFsb(m.end());
    if (start >= end) {
      return;
    }
    State state = m.type() == Iomap.Type.DELALLOC ? State.DELAY : State.UNWRITTEN;
    Mapping mapping = ip.mapping();
    long runStart = -1;
    for (long b = start; b <= end; b++) {
      boolean keep = b == end;
      if (!keep) {
        Folio f = mapping.lookup(b * bs >>> Folio.SHIFT); // the block's page
        keep = f != null && (f.isDirty() || f.isWriteback());
      }
      if (!keep && runStart < 0) {
        runStart = b;
      } else if (keep && runStart >= 0) {
        removeRange(ip, runStart, b, state);
        runStart = -1;
      }
    }
  }

  // ---- freeing -------------------------------------------------------------------------------

  /** Removes the records of {@code only} state (or all if null) in {@code [s, e)}, freeing them. */
  long removeRange(XfsInode ip, long s, long e, @Nullable State only) {
    synchronized (sb) {
      ExtentMap map = ip.extents();
      List<Irec> in = map.overlapping(s, e);
      if (in.isEmpty()) {
        return 0;
      }
      map.splitAt(s, sb);
      map.splitAt(e, sb);
      long n = 0;
      boolean real = false;
      for (Irec r : map.overlapping(s, e)) {
        if (only != null && r.state() != only) {
          continue;
        }
        map.remove(r);
        n += r.len();
        if (r.isDelay()) {
          sb.incFdblocks(r.len() + r.indlen());
          sb.reserved(-r.len(), -r.indlen());
          ip.delayed -= r.len();
          sb.count(Counter.DELALLOC_PUNCHED_BLOCKS, r.len());
        } else {
          sb.freeBlocks(r.start(), r.len());
          sb.incFdblocks(r.len());
          real = true;
        }
      }
      map.mergeAround(s, sb);
      map.mergeAround(e, sb);
      if (real) {
        sb.logTx(2, ip.agno(), ip);
      }
      return n;
    }
  }

  /** Frees everything in {@code [s, e)} (truncate, punch hole, unlink). */
  long freeRange(XfsInode ip, long s, long e) {
    return removeRange(ip, s, e, null);
  }

  /** {@code xfs_free_eofblocks}: everything past the block holding EOF. Returns blocks freed. */
  long freeEofBlocks(XfsInode ip) {
    synchronized (sb) {
      long n = removeRange(ip, ceilFsb(ip.size()), Long.MAX_VALUE / bs, null);
      sb.count(Counter.PREALLOC_TRIMMED_BLOCKS, n);
      return n;
    }
  }

  // ---- allocation ----------------------------------------------------------------------------

  /** {@code XFS_ALLOC_GAP_UNITS}: how many allocation lengths of file gap the goal follows. */
  static final long ALLOC_GAP_UNITS = 4;

  /**
   * {@code xfs_bmap_adjacent}: the goal block for allocating {@code len} blocks at file block
   * {@code off}, from {@code prev}, the extent just before (used only if it is real), and, for
   * a hole, {@code got}, the extent after it (used only if real; converting a delayed extent has
   * none: the extent after is itself). At EOF ({@code xfs_bmapi_write} past the last extent) the
   * goal is right after {@code prev}, offset by the gap in the file. Otherwise {@code prev}
   * offsets the goal by the gap only when the gap is at most {@link #ALLOC_GAP_UNITS} times
   * {@code len}, else the goal is right after it; {@code got} gives the goal before it (by the
   * gap under the same limit, else {@code len} before it), and the closer candidate wins. With
   * neither, the start of the inode's AG. Returns {target, exact?} (exact: try that block first).
   */
  private long[] target(XfsInode ip, long off, long len, @Nullable Irec got) {
    ExtentMap map = ip.extents();
    Irec p = map.prev(off);
    boolean eof = got == null && map.next(off) == null;
    long prevBno = -1;
    long prevDiff = 0;
    if (p != null && !p.isDelay() && valid(p.start() + p.len(), p.start())) {
      prevBno = p.start() + p.len();
      long gap = off - p.end();
      if (eof) {
        return new long[] {valid(prevBno + gap, p.start()) ? prevBno + gap : prevBno, 1};
      }
      prevDiff = gap;
      if (gap <= ALLOC_GAP_UNITS * len && valid(prevBno + gap, p.start())) {
        prevBno += gap;
      } else {
        prevDiff += gap;
      }
    }
    long gotBno = -1;
    long gotDiff = 0;
    if (got != null && !got.isDelay()) {
      long gap = got.off() - off;
      gotDiff = gap;
      if (gap <= ALLOC_GAP_UNITS * len && valid(got.start() - gap, got.start())) {
        gotBno = got.start() - gap;
      } else if (valid(got.start() - len, got.start())) {
        gotBno = got.start() - len;
        gotDiff += gap - len;
      } else {
        gotBno = got.start();
        gotDiff += gap;
      }
    }
    if (prevBno >= 0 && (gotBno < 0 || prevDiff <= gotDiff)) {
      return new long[] {prevBno, 1};
    }
    if (gotBno >= 0) {
      return new long[] {gotBno, 0};
    }
    return new long[] {sb.ag(ip.agno()).agStart + sb.headerBlocks, 0};
  }

  /** {@code ISVALID}: block {@code b} exists and lies in the AG of {@code ref}. */
  private boolean valid(long b, long ref) {
    return b >= 0 && b < sb.dblocks && sb.agOf(b) == sb.agOf(ref)
        && b < sb.ag(sb.agOf(ref)).end();
  }

  /**
   * Allocates real unwritten blocks for a hole at {@code off} (at most {@code len}), charging
   * {@code m_fdblocks}: write-time allocation with {@code alloc=unwritten}, fallocate, and
   * writeback of a page that nobody reserved for. Returns blocks mapped (0 if the hole is gone).
   */
  long allocUnwritten(Task task, XfsInode ip, long off, long len) {
    sb.transBegin();
    if (!sb.allocationHook(task)) {
      throw Errno.ENOSPC.exception("allocation failed (injected)");
    }
    synchronized (sb) {
      ExtentMap map = ip.extents();
      if (map.lookup(off) != null) {
        return 0;
      }
      Irec next = map.next(off);
      long max = Math.min(len, sb.fdblocks());
      if (next != null) {
        max = Math.min(max, next.off() - off);
      }
      if (max <= 0) {
        throw Errno.ENOSPC.exception("no free blocks");
      }
      long[] t = target(ip, off, max, next);
      long[] got = sb.allocate(ip, off, t[0], 1, max, t[1] != 0);
      if (got == null) {
        throw Errno.ENOSPC.exception("allocator found no space");
      }
      sb.decFdblocks(got[1]);
      map.insert(new Irec(off, got[0], got[1], State.UNWRITTEN, 0));
      map.mergeAround(off, sb);
      sb.count(Counter.UNWRITTEN_ALLOCATED_BLOCKS, got[1]);
      sb.logTx(2 + ip.bmbtBlocks(), ip.agno(), ip);
      return got[1];
    }
  }

  /**
   * {@code xfs_bmapi_convert_delalloc}: allocates real blocks for the whole delayed extent that
   * contains {@code fsb}, from its start, in as few allocations as free space allows, near the
   * file's previous extent. New blocks are unwritten until their I/O completes (as XFS maps
   * them, so a crash never exposes stale blocks). The unused indlen goes back to free space.
   */
  void convertDelalloc(Task task, XfsInode ip, long fsb) {
    sb.transBegin();
    while (true) {
      synchronized (sb) {
        Irec d = ip.extents().lookup(fsb);
        if (d == null || !d.isDelay()) {
          return;
        }
      }
      if (!sb.allocationHook(task)) {
        throw Errno.ENOSPC.exception("delalloc conversion failed (injected)");
      }
      synchronized (sb) {
        ExtentMap map = ip.extents();
        Irec d = map.lookup(fsb);
        if (d == null || !d.isDelay()) {
          return;
        }
        // Converting a delayed extent is never the EOF case: the extent itself follows.
        long[] t = target(ip, d.off(), Math.min(d.len(), ExtentMap.MAXEXTLEN), d);
        long[] got = sb.allocate(ip, d.off(), t[0], 1, d.len(), t[1] != 0);
        if (got == null) {
          throw Errno.ENOSPC.exception("no space for reserved delalloc blocks");
        }
        long g = got[1];
        map.remove(d);
        map.insert(new Irec(d.off(), got[0], g, State.UNWRITTEN, 0));
        long remInd = 0;
        if (g < d.len()) {
          remInd = Math.min(ExtentMap.worstIndlen(d.len() - g), d.indlen());
          map.insert(new Irec(d.off() + g, 0, d.len() - g, State.DELAY, remInd));
        }
        sb.reserved(-g, 0);
        sb.give(d.indlen() - remInd);
        ip.delayed -= g;
        map.mergeAround(d.off(), sb);
        sb.count(Counter.DELALLOC_CONVERTED_BLOCKS, g);
        sb.logTx(2 + ip.bmbtBlocks(), sb.agOf(got[0]), ip);
      }
    }
  }

  /**
   * The mapping writeback uses for a dirty page: converts delalloc, or allocates if the page
   * had no reservation at all. Returns the real record containing {@code fsb}.
   */
  Irec mapForWriteback(Task task, XfsInode ip, long fsb) {
    while (true) {
      Irec r = lookup(ip, fsb);
      if (r != null && r.isReal()) {
        return r;
      }
      if (r == null) {
        allocUnwritten(task, ip, fsb, 1);
      } else {
        convertDelalloc(task, ip, fsb);
      }
    }
  }

  /**
   * I/O completion ({@code xfs_end_ioend}): the unwritten blocks just written become written
   * ({@code xfs_iomap_write_unwritten}, splitting records as needed), and the on-disk size
   * catches up with the data ({@code xfs_setfilesize}).
   */
  void ioCompleted(XfsInode ip, long off, long n) {
    sb.transBegin();
    synchronized (sb) {
      ExtentMap map = ip.extents();
      boolean changed = false;
      List<Irec> in = map.overlapping(off, off + n);
      boolean anyUnwritten = in.stream().anyMatch(r -> r.state() == State.UNWRITTEN);
      if (anyUnwritten) {
        map.splitAt(off, sb);
        map.splitAt(off + n, sb);
        for (Irec r : map.overlapping(off, off + n)) {
          if (r.state() == State.UNWRITTEN) {
            map.replace(r, new Irec(r.off(), r.start(), r.len(), State.NORM, 0));
            sb.count(Counter.UNWRITTEN_CONVERTED_BLOCKS, r.len());
            changed = true;
          }
        }
        map.mergeRange(off, off + n, sb);
      }
      long newDisk = Math.min(ip.size(), (off + n) * bs);
      if (newDisk > ip.diskSize) {
        ip.diskSize = newDisk;
        changed = true;
      }
      if (changed) {
        sb.logTx(1 + ip.bmbtBlocks(), ip.agno(), ip);
      }
    }
  }

  /**
   * {@code xfs_alloc_file_space}: unwritten extents over the holes of {@code [s, e)}; delayed
   * extents there are converted (to unwritten) first.
   */
  void allocateRange(Task task, XfsInode ip, long s, long e) {
    long b = s;
    while (b < e) {
      Irec r;
      Irec next;
      synchronized (sb) {
        r = ip.extents().lookup(b);
        next = ip.extents().next(b);
      }
      if (r != null && r.isReal()) {
        b = r.end();
      } else if (r != null) {
        convertDelalloc(task, ip, b);
      } else {
        long end = next == null ? e : Math.min(e, next.off());
        b += allocUnwritten(task, ip, b, end - b);
      }
    }
  }
}
