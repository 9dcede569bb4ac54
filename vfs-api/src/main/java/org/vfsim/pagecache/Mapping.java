package org.vfsim.pagecache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Inode;
import org.vfsim.kernel.Task;
import org.vfsim.mm.Vma;
import org.vfsim.syscall.Errno;

/**
 * A file's page cache (the kernel's {@code address_space}, called {@code mapping} to keep it apart
 * from a process's memory): its folios indexed by page, tagged dirty and writeback, the
 * filesystem's operations on them, and the VMAs that map the file ({@code i_mmap}), which
 * writeback and truncation use to reach the page tables.
 */
public final class Mapping {
  static final int MARK_DIRTY = 0;
  static final int MARK_WRITEBACK = 1;

  private final PageCache cache;
  private final Inode host;
  private final AddressSpaceOperations aops;
  private final XArray<Folio> pages = new XArray<>();
  private final List<Vma> iMmap = new CopyOnWriteArrayList<>();
  private final AtomicLong nrDirty = new AtomicLong();
  private volatile long dirtiedWhen;
  private volatile @Nullable Errno writebackError;
  /** Cached pages; written under this mapping's lock, read without it (reclaim's list scan). */
  private volatile long nrPages;
  /** Whether the page cache's reclaim list holds this mapping; guarded by that list's lock. */
  boolean onReclaimList;
  long clockHand;

  Mapping(PageCache cache, Inode host, AddressSpaceOperations aops) {
    this.cache = cache;
    this.host = host;
    this.aops = aops;
  }

  public PageCache cache() {
    return cache;
  }

  public Inode host() {
    return host;
  }

  public AddressSpaceOperations aops() {
    return aops;
  }

  /** Number of cached pages; takes no lock, so reclaim may ask while holding its own. */
  public long nrPages() {
    return nrPages;
  }

  public long nrDirty() {
    return nrDirty.get();
  }

  /** Clock time at which this mapping went from clean to dirty (for dirty expiry). */
  public long dirtiedWhen() {
    return dirtiedWhen;
  }

  /** The folio at {@code index}, or null; takes no lock (like {@code filemap_get_folio}). */
  public @Nullable Folio lookup(long index) {
    Folio f = pages.load(index);
    if (f == null) {
      synchronized (this) {
        f = pages.load(index);
      }
    }
    return f;
  }

  /** The first cached page index at or after {@code from}, or -1. */
  public synchronized long nextCached(long from) {
    return pages.nextPresent(from);
  }

  /** The first dirty page index at or after {@code from}, or -1. */
  public synchronized long nextDirty(long from) {
    return pages.nextMarked(from, MARK_DIRTY);
  }

  /** The first page under writeback at or after {@code from}, or -1. */
  public synchronized long nextWriteback(long from) {
    return pages.nextMarked(from, MARK_WRITEBACK);
  }

  Folio findOrCreate(long index, boolean[] created) {
    Folio f;
    boolean firstPage = false;
    synchronized (this) {
      f = pages.load(index);
      if (f == null) {
        f = new Folio(this, index, cache.allocatePageData());
        pages.store(index, f);
        created[0] = true;
        firstPage = nrPages++ == 0;
      }
    }
    // Outside this mapping's lock: reclaim holds its list's lock while it looks at mappings, so
    // taking the list's lock under ours would order the two both ways (an ABBA deadlock).
    if (firstPage) {
      cache.mappingPopulated(this);
    }
    return f;
  }

  /** Removes {@code folio} from the cache (it must be locked, clean or cancelled, not under writeback). */
  void delete(Folio folio) {
    synchronized (this) {
      if (pages.load(folio.index()) != folio) {
        return;
      }
      folio.cancelDirty();
      pages.erase(folio.index());
      nrPages--;
      folio.markRemoved();
    }
    cache.pageRemoved(folio);
  }

  // ---- accounting, called by Folio -----------------------------------------------------------

  void accountDirtied(Folio f) {
    synchronized (this) {
      if (f.isRemoved()) {
        return;
      }
      pages.setMark(f.index(), MARK_DIRTY);
    }
    if (nrDirty.getAndIncrement() == 0) {
      dirtiedWhen = cache.clock().nanoTime();
      cache.mappingDirtied(this);
    }
    cache.dirtyPagesChanged(1);
  }

  void accountCleaned(Folio f) {
    synchronized (this) {
      pages.clearMark(f.index(), MARK_DIRTY);
    }
    nrDirty.decrementAndGet();
    cache.dirtyPagesChanged(-1);
  }

  void accountWriteback(Folio f, boolean start) {
    synchronized (this) {
      if (start) {
        if (!f.isRemoved()) {
          pages.setMark(f.index(), MARK_WRITEBACK);
        }
      } else {
        pages.clearMark(f.index(), MARK_WRITEBACK);
      }
    }
    cache.writebackPagesChanged(start ? 1 : -1);
  }

  // ---- reverse mapping -----------------------------------------------------------------------

  /** Registers a VMA that maps this file ({@code vma_interval_tree_insert}). */
  public void addMapping(Vma vma) {
    iMmap.add(vma);
  }

  public void removeMapping(Vma vma) {
    iMmap.remove(vma);
  }

  public List<Vma> mappings() {
    return List.copyOf(iMmap);
  }

  /** Write-protects the page at {@code index} in every process mapping it ({@code folio_mkclean}). */
  void writeProtectMappings(long index) {
    for (Vma vma : iMmap) {
      long addr = vma.addressOfFilePage(index);
      if (addr >= 0) {
        vma.mm().writeProtectPage(addr);
      }
    }
  }

  /** Removes page-table entries for pages {@code [first, last]} ({@code unmap_mapping_range}). */
  public void unmapRange(long first, long last) {
    unmapRange(first, last, false);
  }

  /** As {@link #unmapRange(long, long)}; {@code evenCows} also drops private copies (truncation). */
  public void unmapRange(long first, long last, boolean evenCows) {
    for (Vma vma : iMmap) {
      vma.mm().zapFilePages(vma, first, last, evenCows);
    }
  }

  // ---- writeback -----------------------------------------------------------------------------

  /**
   * {@code write_cache_pages}: hands every dirty folio in the range to {@code writer}, locked,
   * with dirty cleared and writeback set. Background writeback ({@code WB_SYNC_NONE}) skips folios
   * that are locked or already under writeback; integrity writeback waits for them.
   */
  public void writeCachePages(Task task, WritebackControl wbc, FolioWriter writer) {
    long index = wbc.rangeStart() >>> Folio.SHIFT;
    long end = wbc.rangeEnd() >>> Folio.SHIFT;
    boolean integrity = wbc.syncMode() == WritebackControl.SyncMode.ALL;
    try {
      while (wbc.nrToWrite() > 0 && index <= end) {
        long next = nextDirty(index);
        if (next < 0 || next > end) {
          break;
        }
        index = next + 1;
        Folio folio = lookup(next);
        if (folio == null) {
          continue;
        }
        if (integrity) {
          folio.lock(task);
        } else if (!folio.tryLock(task)) {
          continue;
        }
        if (folio.isRemoved() || !folio.isDirty()) {
          folio.unlock(task);
          continue;
        }
        if (folio.isWriteback()) {
          if (!integrity) {
            folio.unlock(task);
            continue;
          }
          folio.waitWriteback();
        }
        folio.clearDirtyForIo();
        folio.startWriteback();
        wbc.pageWritten();
        writer.write(folio, wbc);
      }
    } finally {
      writer.finish();
    }
  }

  /** Waits for writeback of pages in {@code [start, end]} bytes to finish ({@code filemap_fdatawait_range}). */
  public void waitWritebackRange(long start, long end) {
    long index = start >>> Folio.SHIFT;
    long last = end >>> Folio.SHIFT;
    while (index <= last) {
      long next = nextWriteback(index);
      if (next < 0 || next > last) {
        return;
      }
      Folio f = lookup(next);
      if (f != null) {
        f.waitWriteback();
      }
      index = next + 1;
    }
  }

  /** Records a writeback I/O error, reported once by the next fsync ({@code mapping_set_error}). */
  public void setWritebackError(Errno errno) {
    this.writebackError = errno;
  }

  /** Returns and clears the recorded writeback error, or null. */
  public @Nullable Errno checkAndClearError() {
    Errno e = writebackError;
    writebackError = null;
    return e;
  }

  @Override
  public String toString() {
    return "mapping(ino " + host.ino() + ")";
  }
}
