package org.vfsim.pagecache;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.annotations.VisibleForTesting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Inode;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.SimulatedClock;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockClass;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.syscall.Errno;

/**
 * The machine's one page cache, shared by every mounted filesystem: folio allocation against a
 * memory limit, reclaim (a CLOCK approximation of the kernel's LRU lists: referenced pages get a
 * second chance, dirty ones are written back first), dirty accounting with a background and a
 * hard threshold ({@code balance_dirty_pages}), periodic writeback of expired dirty data, and
 * truncation.
 */
public final class PageCache {
  private final SimulatedClock clock;
  private final LockValidator validator;
  private final Hooks hooks;
  private final LockClass folioLock;
  private final long limitPages;
  private final long dirtyBackgroundThresh;
  private final long dirtyThresh;
  private final long dirtyExpireNanos;
  private final byte newPageFill;

  private final AtomicLong nrPages = new AtomicLong();
  private final AtomicLong nrDirty = new AtomicLong();
  private final AtomicLong nrWriteback = new AtomicLong();
  private final AtomicLong reclaimed = new AtomicLong();
  private final AtomicLong reclaimWriteback = new AtomicLong();
  private final AtomicLong backgroundRuns = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong pagesWrittenBack = new AtomicLong();

  /** The reclaim list: mappings that may hold pages, visited in turn by the CLOCK hand. */
  private final List<Mapping> populated = new ArrayList<>();
  private final LinkedHashSet<Mapping> dirtyMappings = new LinkedHashSet<>();
  private int clockMapping;
  private @Nullable Task flusher;
  private @Nullable Task kswapd;
  private boolean inBackgroundWriteback;
  /**
   * kswapd is one task, so one Java thread at a time may act as it: its held-lock stack is not
   * shared-safe, and two threads reclaiming as kswapd corrupted it (spurious "bad unlock", then a
   * folio left locked forever).
   */
  private final java.util.concurrent.locks.ReentrantLock kswapdLock =
      new java.util.concurrent.locks.ReentrantLock();

  /**
   * @param limitPages pages the cache may hold before reclaim
   * @param dirtyBackgroundThresh dirty pages above which background writeback starts
   * @param dirtyThresh dirty pages above which writers are throttled until writeback catches up
   * @param dirtyExpireNanos age after which dirty data is written back by the periodic flusher
   * @param newPageFill the byte a newly allocated page holds before anyone writes it: never zero
   *     by default, so a bug that exposes an uninitialised page shows up as bytes nobody wrote
   */
  public PageCache(SimulatedClock clock, LockValidator validator, Hooks hooks, long limitPages,
      long dirtyBackgroundThresh, long dirtyThresh, long dirtyExpireNanos, byte newPageFill) {
    checkArgument(limitPages > 0, "limitPages must be positive");
    checkArgument(0 < dirtyBackgroundThresh && dirtyBackgroundThresh <= dirtyThresh,
        "need 0 < dirty background threshold <= dirty threshold");
    this.clock = clock;
    this.validator = validator;
    this.hooks = hooks;
    this.folioLock = validator.lockClass("folio_lock", true);
    this.limitPages = limitPages;
    this.dirtyBackgroundThresh = dirtyBackgroundThresh;
    this.dirtyThresh = dirtyThresh;
    this.dirtyExpireNanos = dirtyExpireNanos;
    this.newPageFill = newPageFill;
  }

  /** Sets the kernel threads that run writeback and reclaim on behalf of the cache. */
  public void setKernelTasks(Task flusher, Task kswapd) {
    this.flusher = flusher;
    this.kswapd = kswapd;
  }

  public SimulatedClock clock() {
    return clock;
  }

  public LockValidator validator() {
    return validator;
  }

  public Hooks hooks() {
    return hooks;
  }

  public LockClass folioLockClass() {
    return folioLock;
  }

  /** Creates the page cache of a new inode. */
  public Mapping newMapping(Inode host, AddressSpaceOperations aops) {
    return new Mapping(this, host, aops);
  }

  // ---- allocation and lookup -----------------------------------------------------------------

  byte[] allocatePageData() {
    byte[] data = new byte[Folio.SIZE];
    if (newPageFill != 0) {
      Arrays.fill(data, newPageFill);
    }
    return data;
  }

  /**
   * {@code __filemap_get_folio(FGP_LOCK | FGP_CREAT)}: the folio at {@code index}, created if
   * absent (its contents are then garbage, not uptodate), and locked by {@code task}.
   */
  public Folio grabFolio(Task task, Mapping mapping, long index) {
    while (true) {
      Folio f = mapping.lookup(index);
      if (f == null) {
        if (nrPages.get() >= limitPages) {
          reclaim(Math.max(32, nrPages.get() - limitPages + 1));
        }
        boolean[] created = new boolean[1];
        f = mapping.findOrCreate(index, created);
        if (created[0]) {
          nrPages.incrementAndGet();
        }
      }
      f.lock(task);
      if (!f.isRemoved()) {
        f.markAccessed();
        return f;
      }
      f.unlock(task); // truncated or reclaimed under us: look again
    }
  }

  /**
   * The read side ({@code filemap_get_pages}): an uptodate folio for {@code index}, read through
   * {@code read_folio} if needed, returned unlocked.
   */
  public Folio readFolio(Task task, Mapping mapping, long index) {
    while (true) {
      Folio f = mapping.lookup(index);
      if (f != null && f.isUptodate() && !f.isRemoved()) {
        f.markAccessed();
        return f;
      }
      f = grabFolio(task, mapping, index);
      try {
        if (!f.isUptodate()) {
          mapping.aops().readFolio(task, f);
          if (!f.isUptodate()) {
            throw Errno.EIO.exception("read_folio left folio " + index + " not uptodate");
          }
        }
      } finally {
        f.unlock(task);
      }
      if (!f.isRemoved()) {
        return f;
      }
    }
  }

  /**
   * Puts a mapping that just got its first page on the reclaim list, once: a mapping that emptied
   * and refilled before reclaim pruned it is still there.
   */
  void mappingPopulated(Mapping m) {
    synchronized (populated) {
      if (!m.onReclaimList) {
        m.onReclaimList = true;
        populated.add(m);
      }
    }
  }

  @VisibleForTesting
  int reclaimListLength() {
    synchronized (populated) {
      return populated.size();
    }
  }

  /** Drops emptied mappings from the reclaim list; call with its lock held. */
  private void pruneEmptyMappings() {
    populated.removeIf(m -> {
      if (m.nrPages() != 0) {
        return false;
      }
      m.onReclaimList = false;
      return true;
    });
  }

  void pageRemoved(Folio f) {
    nrPages.decrementAndGet();
  }

  void mappingDirtied(Mapping m) {
    synchronized (dirtyMappings) {
      dirtyMappings.add(m);
    }
  }

  void dirtyPagesChanged(int delta) {
    nrDirty.addAndGet(delta);
  }

  void writebackPagesChanged(int delta) {
    nrWriteback.addAndGet(delta);
  }

  // ---- dirty throttling and writeback --------------------------------------------------------

  /**
   * {@code balance_dirty_pages_ratelimited}: called after each page a writer dirties. Above the
   * background threshold the flusher runs (here, synchronously on the writer's thread but as the
   * flusher task); above the hard threshold the writer is throttled until writeback brings the
   * count down. The caller must hold no folio lock.
   */
  public void balanceDirtyPages(Task task, Mapping mapping) {
    long dirty = nrDirty.get();
    if (dirty <= dirtyBackgroundThresh) {
      return;
    }
    if (dirty > dirtyThresh) {
      throttled.incrementAndGet();
    }
    backgroundWriteback(WritebackControl.Reason.BACKGROUND);
  }

  /** Writes back the oldest dirty files until the dirty count is under the background threshold. */
  public void backgroundWriteback(WritebackControl.Reason reason) {
    synchronized (this) {
      if (inBackgroundWriteback || flusher == null) {
        return;
      }
      inBackgroundWriteback = true;
    }
    try {
      backgroundRuns.incrementAndGet();
      for (Mapping m : dirtyMappingsOldestFirst()) {
        if (nrDirty.get() <= dirtyBackgroundThresh / 2) {
          break;
        }
        writeback(flusher, m, new WritebackControl(WritebackControl.SyncMode.NONE, reason, 0,
            Long.MAX_VALUE, Math.max(1024, nrDirty.get() - dirtyBackgroundThresh / 2)));
      }
    } finally {
      synchronized (this) {
        inBackgroundWriteback = false;
      }
    }
  }

  /** The periodic flusher: writes back files whose dirty data is older than the expiry age. */
  public void periodicWriteback() {
    // The flusher is one task: if it is already busy with background writeback, this period's
    // work is skipped rather than run as the same task on a second thread.
    synchronized (this) {
      if (inBackgroundWriteback || flusher == null) {
        return;
      }
      inBackgroundWriteback = true;
    }
    try {
      long now = clock.nanoTime();
      for (Mapping m : dirtyMappingsOldestFirst()) {
        if (m.nrDirty() > 0 && now - m.dirtiedWhen() >= dirtyExpireNanos) {
          writeback(flusher, m, new WritebackControl(WritebackControl.SyncMode.NONE,
              WritebackControl.Reason.PERIODIC, 0, Long.MAX_VALUE, Long.MAX_VALUE));
        }
      }
    } finally {
      synchronized (this) {
        inBackgroundWriteback = false;
      }
    }
  }

  private List<Mapping> dirtyMappingsOldestFirst() {
    synchronized (dirtyMappings) {
      dirtyMappings.removeIf(m -> m.nrDirty() == 0);
      return new ArrayList<>(dirtyMappings);
    }
  }

  /** Runs the filesystem's {@code writepages} for {@code mapping}. */
  public void writeback(Task task, Mapping mapping, WritebackControl wbc) {
    mapping.aops().writepages(task, mapping, wbc);
    pagesWrittenBack.addAndGet(wbc.pagesWritten());
  }

  /**
   * {@code filemap_write_and_wait_range}: writes back {@code [start, end]} and waits; throws the
   * writeback error recorded on the mapping, once.
   */
  public void writeAndWait(Task task, Mapping mapping, long start, long end) {
    writeback(task, mapping, new WritebackControl(WritebackControl.SyncMode.ALL,
        WritebackControl.Reason.FSYNC, start, end, Long.MAX_VALUE));
    mapping.waitWritebackRange(start, end);
    Errno err = mapping.checkAndClearError();
    if (err != null) {
      throw err.exception("writeback failed");
    }
  }

  /** Writes back every dirty file and waits ({@code sync}); errors stay recorded for fsync. */
  public void syncAll(Task task) {
    for (Mapping m : dirtyMappingsOldestFirst()) {
      writeback(task, m, WritebackControl.syncAll(WritebackControl.Reason.SYNC));
      m.waitWritebackRange(0, Long.MAX_VALUE);
    }
  }

  // ---- reclaim -------------------------------------------------------------------------------

  /**
   * Frees up to {@code target} clean, unlocked pages: CLOCK over the cached files, clearing the
   * referenced bit on first sight, writing dirty pages back (they are freed on a later pass) and
   * unmapping mapped ones. Returns the number of pages freed.
   */
  public long reclaim(long target) {
    Task task = kswapd;
    if (task == null) {
      return 0;
    }
    // Another thread is reclaiming as kswapd: the allocation goes on without waiting for it.
    if (!kswapdLock.tryLock()) {
      return 0;
    }
    try {
      return reclaimAsKswapd(task, target);
    } finally {
      kswapdLock.unlock();
    }
  }

  private long reclaimAsKswapd(Task task, long target) {
    long freed = 0;
    long budget = 2 * nrPages.get() + 64;
    while (freed < target && budget > 0) {
      Mapping m;
      synchronized (populated) {
        pruneEmptyMappings();
        if (populated.isEmpty()) {
          break;
        }
        clockMapping = (clockMapping + 1) % populated.size();
        m = populated.get(clockMapping);
      }
      long batch = 0;
      while (batch < 32 && freed < target && budget > 0) {
        long idx = m.nextCached(m.clockHand);
        if (idx < 0) {
          m.clockHand = 0;
          break;
        }
        m.clockHand = idx + 1;
        batch++;
        budget--;
        Folio f = m.lookup(idx);
        if (f != null && reclaimOne(task, f)) {
          freed++;
        }
      }
    }
    reclaimed.addAndGet(freed);
    return freed;
  }

  private boolean reclaimOne(Task task, Folio f) {
    if (f.testAndClearReferenced() || f.isWriteback() || f.isLocked()) {
      return false;
    }
    Mapping m = f.mapping();
    if (f.isDirty()) {
      reclaimWriteback.incrementAndGet();
      writeback(task, m, new WritebackControl(WritebackControl.SyncMode.NONE,
          WritebackControl.Reason.RECLAIM, f.pos(), f.pos() + Folio.SIZE - 1, 1));
      return false;
    }
    if (!f.tryLock(task)) {
      return false;
    }
    try {
      if (f.isRemoved() || f.isDirty() || f.isWriteback()) {
        return false;
      }
      m.unmapRange(f.index(), f.index());
      if (!m.aops().releaseFolio(f)) {
        return false;
      }
      m.delete(f);
      return true;
    } finally {
      f.unlock(task);
    }
  }

  /** Evicts one page now if it can be ({@code reclaim at a chosen point} for tests). */
  public boolean reclaimPage(Mapping mapping, long index) {
    Folio f = mapping.lookup(index);
    if (f == null || kswapd == null) {
      return false;
    }
    kswapdLock.lock();
    try {
      f.testAndClearReferenced();
      if (f.isDirty()) {
        reclaimOne(kswapd, f);
        f.testAndClearReferenced();
      }
      boolean freed = reclaimOne(kswapd, f);
      if (freed) {
        reclaimed.incrementAndGet();
      }
      return freed;
    } finally {
      kswapdLock.unlock();
    }
  }

  /** {@code echo 1 > drop_caches}: frees every clean, unlocked, unmapped page. */
  public long dropCleanPages() {
    kswapdLock.lock();
    try {
      return dropCleanPagesAsKswapd();
    } finally {
      kswapdLock.unlock();
    }
  }

  private long dropCleanPagesAsKswapd() {
    Task task = kswapd;
    long freed = 0;
    List<Mapping> all;
    synchronized (populated) {
      all = new ArrayList<>(populated);
    }
    for (Mapping m : all) {
      for (long idx = m.nextCached(0); idx >= 0; idx = m.nextCached(idx + 1)) {
        Folio f = m.lookup(idx);
        if (f == null || f.isDirty() || f.isWriteback() || !f.tryLock(task)) {
          continue;
        }
        try {
          if (!f.isDirty() && !f.isRemoved() && m.aops().releaseFolio(f)) {
            m.unmapRange(idx, idx);
            m.delete(f);
            freed++;
          }
        } finally {
          f.unlock(task);
        }
      }
    }
    reclaimed.addAndGet(freed);
    return freed;
  }

  // ---- truncation ----------------------------------------------------------------------------

  /**
   * {@code truncate_inode_pages_range}: removes the pages wholly inside {@code [lstart, lend]}
   * (bytes, inclusive) and zeroes the covered part of pages that straddle either end, after
   * telling the filesystem through {@code invalidate_folio}.
   */
  public void truncateRange(Task task, Mapping mapping, long lstart, long lend) {
    if (lend < lstart) {
      return;
    }
    long first = lstart >>> Folio.SHIFT;
    long last = lend >>> Folio.SHIFT;
    for (long idx = mapping.nextCached(first); idx >= 0 && idx <= last;
        idx = mapping.nextCached(idx + 1)) {
      Folio f = mapping.lookup(idx);
      if (f == null) {
        continue;
      }
      f.lock(task);
      try {
        if (f.isRemoved()) {
          continue;
        }
        f.waitWriteback();
        int from = idx == first ? (int) (lstart & (Folio.SIZE - 1)) : 0;
        int to = idx == last ? (int) (lend & (Folio.SIZE - 1)) + 1 : Folio.SIZE;
        if (from == 0 && to == Folio.SIZE) {
          mapping.unmapRange(idx, idx);
          mapping.aops().invalidateFolio(f, 0, Folio.SIZE);
          mapping.delete(f);
        } else {
          if (f.isUptodate()) {
            f.zero(from, to);
          }
          mapping.aops().invalidateFolio(f, from, to - from);
        }
      } finally {
        f.unlock(task);
      }
    }
  }

  /**
   * {@code truncate_pagecache}: after i_size dropped to {@code newSize}, unmaps and removes the
   * pages past it and zeroes the tail of the page that straddles it.
   */
  public void truncatePagecache(Task task, Mapping mapping, long newSize) {
    long firstWhole = (newSize + Folio.SIZE - 1) >>> Folio.SHIFT;
    mapping.unmapRange(firstWhole, Long.MAX_VALUE >>> Folio.SHIFT, true);
    truncateRange(task, mapping, newSize, Long.MAX_VALUE);
    mapping.unmapRange(firstWhole, Long.MAX_VALUE >>> Folio.SHIFT, true);
  }

  /** Power cut: every cached page vanishes, dirty or not, without writeback. */
  public void discardAll() {
    List<Mapping> all;
    synchronized (populated) {
      all = new ArrayList<>(populated);
      all.forEach(m -> m.onReclaimList = false);
      populated.clear();
    }
    for (Mapping m : all) {
      m.unmapRange(0, Long.MAX_VALUE >>> Folio.SHIFT);
      for (long idx = m.nextCached(0); idx >= 0; idx = m.nextCached(idx + 1)) {
        Folio f = m.lookup(idx);
        if (f != null) {
          if (f.isWriteback()) {
            f.endWriteback();
          }
          m.delete(f);
        }
      }
    }
    synchronized (dirtyMappings) {
      dirtyMappings.clear();
    }
  }

  public PageCacheStats stats() {
    return new PageCacheStats(nrPages.get(), nrDirty.get(), nrWriteback.get(), limitPages,
        dirtyBackgroundThresh, dirtyThresh, reclaimed.get(), reclaimWriteback.get(),
        backgroundRuns.get(), throttled.get(), pagesWrittenBack.get());
  }
}
