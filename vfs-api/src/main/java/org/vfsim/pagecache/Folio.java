package org.vfsim.pagecache;

import static com.google.common.base.Preconditions.checkState;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;

/**
 * One page of a file in the page cache (a single-page folio). Its flags follow the kernel's:
 * {@code locked} is an exclusive, non-re-entrant lock owned by a task and checked by the lock
 * validator; {@code uptodate} says every byte is valid file data; {@code dirty} and
 * {@code writeback} drive writeback. A filesystem may hang private state off it (as buffer heads
 * or iomap_folio_state hang off a real folio).
 *
 * <p>Kept to a few fields on purpose: the page cache holds one per cached page.
 */
public final class Folio {
  /** The simulated page size ({@code PAGE_SIZE}). */
  public static final int SIZE = 4096;
  public static final int SHIFT = 12;

  static final int PG_LOCKED = 1;
  static final int PG_UPTODATE = 1 << 1;
  static final int PG_DIRTY = 1 << 2;
  static final int PG_WRITEBACK = 1 << 3;
  static final int PG_WAITERS = 1 << 4;
  static final int PG_REFERENCED = 1 << 5;
  static final int PG_REMOVED = 1 << 6;
  static final int PG_ERROR = 1 << 7;
  /** Filesystem-defined bits, free for plugins (the kernel's PG_private / PG_checked). */
  public static final int PG_FS_PRIVATE_1 = 1 << 16;
  public static final int PG_FS_PRIVATE_2 = 1 << 17;

  private static final VarHandle FLAGS;

  static {
    try {
      FLAGS = MethodHandles.lookup().findVarHandle(Folio.class, "flags", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Mapping mapping;
  private final long index;
  private final byte[] data;
  private volatile int flags;
  private @Nullable Task owner;
  private @Nullable Object fsPrivate;

  Folio(Mapping mapping, long index, byte[] data) {
    this.mapping = mapping;
    this.index = index;
    this.data = data;
  }

  public Mapping mapping() {
    return mapping;
  }

  /** Page index within the file. */
  public long index() {
    return index;
  }

  /** Byte offset of this page in the file. */
  public long pos() {
    return index << SHIFT;
  }

  /** The page's bytes. Writers hold the folio lock; readers of an uptodate folio need not. */
  public byte[] data() {
    return data;
  }

  // ---- the page lock -------------------------------------------------------------------------

  /** {@code folio_lock}: validated by lockdep first, then waits while another task holds it. */
  public void lock(Task task) {
    PageCache cache = mapping.cache();
    cache.validator().acquire(task, cache.folioLockClass(), this, false, false, "folio_lock");
    if (!tryAcquire()) {
      cache.hooks().fire(HookPoint.FOLIO_LOCK_WAIT, task);
      waitAndAcquire();
    }
    owner = task;
  }

  /** {@code folio_trylock}: takes the lock only if free; never blocks, never records an order. */
  public boolean tryLock(Task task) {
    if (!tryAcquire()) {
      return false;
    }
    PageCache cache = mapping.cache();
    cache.validator().acquire(task, cache.folioLockClass(), this, false, true, "folio_trylock");
    owner = task;
    return true;
  }

  private boolean tryAcquire() {
    int f = flags;
    return (f & PG_LOCKED) == 0 && FLAGS.compareAndSet(this, f, f | PG_LOCKED);
  }

  private void waitAndAcquire() {
    boolean interrupted = false;
    synchronized (this) {
      while (true) {
        int f = flags;
        if ((f & PG_LOCKED) == 0) {
          if (FLAGS.compareAndSet(this, f, f | PG_LOCKED)) {
            break;
          }
          continue;
        }
        if ((f & PG_WAITERS) == 0 && !FLAGS.compareAndSet(this, f, f | PG_WAITERS)) {
          continue;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code folio_unlock}: only the owning task may unlock. */
  public void unlock(Task task) {
    checkState(owner == task, "%s unlocks folio %s owned by %s", task, index, owner);
    owner = null;
    mapping.cache().validator().release(task, this, "folio_unlock");
    int f;
    do {
      f = flags;
    } while (!FLAGS.compareAndSet(this, f, f & ~(PG_LOCKED | PG_WAITERS)));
    if ((f & PG_WAITERS) != 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  public boolean isLocked() {
    return (flags & PG_LOCKED) != 0;
  }

  /** The task holding the lock, or null. */
  public @Nullable Task lockOwner() {
    return owner;
  }

  // ---- flags ---------------------------------------------------------------------------------

  boolean testAndSet(int bit) {
    int f;
    do {
      f = flags;
      if ((f & bit) != 0) {
        return true;
      }
    } while (!FLAGS.compareAndSet(this, f, f | bit));
    return false;
  }

  boolean testAndClear(int bit) {
    int f;
    do {
      f = flags;
      if ((f & bit) == 0) {
        return false;
      }
    } while (!FLAGS.compareAndSet(this, f, f & ~bit));
    return true;
  }

  boolean test(int bit) {
    return (flags & bit) != 0;
  }

  public boolean isUptodate() {
    return test(PG_UPTODATE);
  }

  /** Every byte of the page is now valid file data. Call with the folio locked. */
  public void markUptodate() {
    testAndSet(PG_UPTODATE);
  }

  public void clearUptodate() {
    testAndClear(PG_UPTODATE);
  }

  public boolean isDirty() {
    return test(PG_DIRTY);
  }

  public boolean isWriteback() {
    return test(PG_WRITEBACK);
  }

  /** Whether truncation or reclaim removed this folio from its mapping. */
  public boolean isRemoved() {
    return test(PG_REMOVED);
  }

  public boolean hasError() {
    return test(PG_ERROR);
  }

  public void setError() {
    testAndSet(PG_ERROR);
  }

  /** Tests a filesystem-private flag ({@link #PG_FS_PRIVATE_1} or {@link #PG_FS_PRIVATE_2}). */
  public boolean testFsFlag(int bit) {
    checkFsBit(bit);
    return test(bit);
  }

  public boolean setFsFlag(int bit) {
    checkFsBit(bit);
    return testAndSet(bit);
  }

  public boolean clearFsFlag(int bit) {
    checkFsBit(bit);
    return testAndClear(bit);
  }

  private static void checkFsBit(int bit) {
    if (bit != PG_FS_PRIVATE_1 && bit != PG_FS_PRIVATE_2) {
      throw new IllegalArgumentException("not a filesystem flag: " + bit);
    }
  }

  /** Marks the folio accessed, so reclaim gives it a second chance. */
  public void markAccessed() {
    if (!test(PG_REFERENCED)) {
      testAndSet(PG_REFERENCED);
    }
  }

  /**
   * {@code folio_mark_dirty}: sets dirty and, the first time, tags it in the mapping and counts
   * it towards the dirty limits. Returns whether it was already dirty.
   */
  public boolean markDirty() {
    if (test(PG_DIRTY)) {
      return true;
    }
    if (testAndSet(PG_DIRTY)) {
      return true;
    }
    mapping.accountDirtied(this);
    return false;
  }

  /**
   * {@code folio_clear_dirty_for_io}: clears dirty before writeback and write-protects the page
   * in every process that maps it, so a later store faults and dirties it again.
   */
  public boolean clearDirtyForIo() {
    if (!testAndClear(PG_DIRTY)) {
      return false;
    }
    mapping.accountCleaned(this);
    mapping.writeProtectMappings(index);
    return true;
  }

  /** Discards the dirty state without writing (truncate, power cut). */
  void cancelDirty() {
    if (testAndClear(PG_DIRTY)) {
      mapping.accountCleaned(this);
    }
  }

  /** {@code folio_start_writeback}: call with the folio locked after clearing dirty. */
  public void startWriteback() {
    checkState(!testAndSet(PG_WRITEBACK), "folio %s already under writeback", index);
    mapping.accountWriteback(this, true);
  }

  /** {@code folio_end_writeback}: the I/O completed; wakes tasks waiting on it. */
  public void endWriteback() {
    checkState(testAndClear(PG_WRITEBACK), "folio %s not under writeback", index);
    mapping.accountWriteback(this, false);
    synchronized (this) {
      notifyAll();
    }
  }

  /** {@code folio_wait_writeback}. */
  public void waitWriteback() {
    if (!test(PG_WRITEBACK)) {
      return;
    }
    synchronized (this) {
      while (test(PG_WRITEBACK)) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  void markRemoved() {
    testAndSet(PG_REMOVED);
  }

  boolean testAndClearReferenced() {
    return testAndClear(PG_REFERENCED);
  }

  // ---- filesystem private state --------------------------------------------------------------

  public @Nullable Object fsPrivate() {
    return fsPrivate;
  }

  public void setFsPrivate(@Nullable Object state) {
    this.fsPrivate = state;
  }

  /** Zeroes {@code [from, to)} within the page ({@code folio_zero_range}). */
  public void zero(int from, int to) {
    java.util.Arrays.fill(data, from, to, (byte) 0);
  }

  @Override
  public String toString() {
    int f = flags;
    return "folio[" + index + (isLocked() ? " locked" : "") + ((f & PG_UPTODATE) != 0 ? " uptodate" : "")
        + ((f & PG_DIRTY) != 0 ? " dirty" : "") + ((f & PG_WRITEBACK) != 0 ? " writeback" : "") + "]";
  }
}
