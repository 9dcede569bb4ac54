package org.vfsim.testkit.planted;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.SimpleInode;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.PageCache;

/** A planted-filesystem file (page index to block) or directory (sorted entries). */
final class PlantedInode extends SimpleInode<PlantedInode> {
  private final PlantedSuperBlock psb;
  private final TreeMap<Long, Long> blocks = new TreeMap<>();

  PlantedInode(PlantedSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.psb = sb;
  }

  @Override
  protected AddressSpaceOperations aops() {
    return switch (psb.bug) {
      case FAULTS_UNDER_FOLIO_LOCK -> new PlantedAops.FaultingPerformWrite(psb);
      case OVERCOUNTS_SHORT_WRITE -> new PlantedAops.OvercountingPerformWrite(psb);
      case SKIPS_FAULT_IN -> new PlantedAops.NoFaultInPerformWrite(psb);
      default -> new PlantedAops(psb);
    };
  }

  synchronized Map<Long, Long> blockMap() {
    return new TreeMap<>(blocks);
  }

  synchronized boolean mapped(long index) {
    return blocks.containsKey(index);
  }

  synchronized void map(long index, long block) {
    blocks.put(index, block);
  }

  @Override
  public synchronized long blocks512() {
    return blocks.size() * (long) (Folio.SIZE / 512);
  }

  /** Frees the blocks of pages at or past {@code firstIndex}. */
  private synchronized void freeFrom(long firstIndex, long freeButKeepFrom) {
    for (Map.Entry<Long, Long> e : new ArrayList<>(blocks.tailMap(freeButKeepFrom).entrySet())) {
      psb.free(e.getValue());
      if (e.getKey() >= firstIndex) {
        blocks.remove(e.getKey());
      }
    }
  }

  /** Adds a directory entry while loading the durable image at mount. */
  void restoreEntry(String name, PlantedInode child) {
    dir().link(name, child);
  }

  private PageCache cache() {
    return psb.machine().pageCache();
  }

  /**
   * Zeroes {@code [from, to)} of one page through the page cache and dirties it, so that the
   * block on disk is rewritten too ({@code block_truncate_page}, the edges of a punch).
   */
  private void zeroPartialPage(Task task, long from, long to) {
    long index = from >>> Folio.SHIFT;
    if (!mapped(index) && mapping().lookup(index) == null) {
      return; // a hole stays a hole
    }
    Folio f = cache().readFolio(task, mapping(), index);
    f.lock(task);
    try {
      if (!f.isRemoved()) {
        f.zero((int) (from - f.pos()), (int) (to - f.pos()));
        if (mapped(index)) {
          f.markDirty(); // rewrite the block; a page with no block is a hole or reserved
        }
      }
    } finally {
      f.unlock(task);
    }
  }

  @Override
  public void setattrSize(Task task, long newSize) {
    if (psb.full && newSize < size() && (newSize & (Folio.SIZE - 1)) != 0) {
      long end = Math.min(size(), (newSize | (Folio.SIZE - 1)) + 1);
      zeroPartialPage(task, newSize, end);
    }
    if (newSize > size()) {
      ((PlantedAops) mapping().aops()).sizeExtended(task, this, size());
    }
    truncateSetsize(task, newSize);
    long firstGone = (newSize + Folio.SIZE - 1) >>> Folio.SHIFT;
    // The bug frees the straddling page's block too, though the file still maps it.
    long firstFreed = psb.bug == Bug.FREES_BLOCK_STILL_REFERENCED ? newSize >>> Folio.SHIFT
        : firstGone;
    freeFrom(firstGone, firstFreed);
  }

  @Override
  public void fallocate(Task task, int mode, long offset, long len) {
    long end = offset + len;
    if ((mode & (FallocMode.PUNCH_HOLE | FallocMode.ZERO_RANGE)) != 0) {
      long zeroEnd = Math.min(end, size());
      if (offset < zeroEnd) {
        long firstWhole = (offset + Folio.SIZE - 1) >>> Folio.SHIFT;
        long endWhole = zeroEnd >>> Folio.SHIFT;
        if (firstWhole > endWhole) {
          zeroPartialPage(task, offset, zeroEnd); // within one page
        } else {
          if (offset < firstWhole << Folio.SHIFT) {
            zeroPartialPage(task, offset, firstWhole << Folio.SHIFT);
          }
          if (zeroEnd > endWhole << Folio.SHIFT) {
            zeroPartialPage(task, endWhole << Folio.SHIFT, zeroEnd);
          }
          if (endWhole > firstWhole) {
            cache().truncateRange(task, mapping(), firstWhole << Folio.SHIFT,
                (endWhole << Folio.SHIFT) - 1);
            synchronized (this) {
              for (long i = firstWhole; i < endWhole; i++) {
                Long b = blocks.remove(i);
                if (b != null) {
                  psb.free(b);
                }
              }
            }
          }
        }
      }
    } else {
      // Preallocate: a block for every page of the range, reading as zeros until written.
      for (long i = offset >>> Folio.SHIFT; i <= (end - 1) >>> Folio.SHIFT; i++) {
        Folio cached = mapping().lookup(i);
        if (mapped(i) || (cached != null && cached.testFsFlag(PlantedAops.PG_RESERVED))) {
          continue;
        }
        long b = psb.allocateNow(task);
        psb.device().discard(b, 1);
        map(i, b);
      }
    }
    if ((mode & FallocMode.KEEP_SIZE) == 0 && end > size()
        && (mode & FallocMode.PUNCH_HOLE) == 0) {
      ((PlantedAops) mapping().aops()).sizeExtended(task, this, size());
      setSize(end);
    }
  }

  /** A "reflink" that copies through the page cache: the same user-visible result. */
  @Override
  public void remapRange(Task task, Inode src, long srcOff, long dstOff, long len) {
    PlantedAops aops = (PlantedAops) mapping().aops();
    for (long done = 0; done < len; ) {
      long s = srcOff + done;
      long d = dstOff + done;
      int n = (int) Math.min(len - done, Math.min(Folio.SIZE - (s & (Folio.SIZE - 1)),
          Folio.SIZE - (d & (Folio.SIZE - 1))));
      byte[] bytes = new byte[n];
      if (s < src.size()) {
        Folio sf = cache().readFolio(task, src.mapping(), s >>> Folio.SHIFT);
        int avail = (int) Math.min(n, src.size() - s);
        System.arraycopy(sf.data(), (int) (s & (Folio.SIZE - 1)), bytes, 0, avail);
      }
      Folio df = cache().grabFolio(task, mapping(), d >>> Folio.SHIFT);
      try {
        aops.prepare(task, this, df, n);
        System.arraycopy(bytes, 0, df.data(), (int) (d & (Folio.SIZE - 1)), n);
        df.markUptodate();
        df.markDirty();
        if (d + n > size()) {
          setSize(d + n);
        }
      } finally {
        df.unlock(task);
      }
      done += n;
    }
  }

  /** Mapped pages as byte extents, merged where both logical and physical blocks follow on. */
  @Override
  public List<FiemapExtent> fiemap(Task task, long start, long len) {
    if (!psb.full) {
      return super.fiemap(task, start, len);
    }
    List<FiemapExtent> out = new ArrayList<>();
    long end = start + len;
    for (Map.Entry<Long, Long> e : blockMap().entrySet()) {
      long logical = e.getKey() << Folio.SHIFT;
      long physical = e.getValue() << Folio.SHIFT;
      if (logical + Folio.SIZE <= start || logical >= end) {
        continue;
      }
      FiemapExtent last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.logicalEnd() == logical
          && last.physical() + last.length() == physical) {
        out.set(out.size() - 1, new FiemapExtent(last.logical(), last.physical(),
            last.length() + Folio.SIZE, 0));
      } else {
        out.add(new FiemapExtent(logical, physical, Folio.SIZE, 0));
      }
    }
    if (!out.isEmpty()) {
      out.set(out.size() - 1, out.get(out.size() - 1).withFlags(FiemapExtent.LAST));
    }
    return out;
  }

  @Override
  public void fsync(Task task, long start, long end, boolean datasync) {
    // The image commits every file's size: like ext4's ordered mode, write all data first so
    // that no committed size points past data still only in the page cache.
    if (psb.bug == Bug.FSYNC_COMMITS_NOTHING) {
      return;
    }
    if (psb.bug == Bug.FSYNC_MAPS_OTHER_FILES_BEFORE_DATA) {
      // Planted: the other files' reserved pages get blocks, committed before their data.
      psb.mapReservedPages(this);
      psb.persist();
      return;
    }
    psb.machine().pageCache().syncAll(task);
    psb.persistForFsync();
  }

  @Override
  public void evict(Task task) {
    freeFrom(0, 0);
    psb.fileEvicted(this);
  }

  // ---- directories -------------------------------------------------------------------------

  @Override
  protected PlantedInode newChild(FileType type, int mode) {
    return new PlantedInode(psb, psb.nextIno(), type, mode);
  }

  @Override
  protected void fileCreated(PlantedInode child) {
    psb.fileCreated(child);
  }
}
