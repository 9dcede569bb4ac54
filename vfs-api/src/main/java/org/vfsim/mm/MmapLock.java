package org.vfsim.mm;

import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockClass;
import org.vfsim.lockdep.LockValidator;

/**
 * A process's {@code mmap_lock}: a fair reader/writer semaphore. Readers share it, but once a
 * writer queues, new readers wait behind it, which is what turns two tasks that each hold a
 * page lock and fault into an ABBA deadlock. Not re-entrant, for readers either: a task that
 * takes it for read twice can deadlock behind a queued writer, and the validator says so.
 */
public final class MmapLock {
  private final LockValidator validator;
  private final LockClass lockClass;
  private final Hooks hooks;
  private int readers;
  private @Nullable Task writer;
  private int queuedWriters;

  MmapLock(LockValidator validator, Hooks hooks) {
    this.validator = validator;
    this.lockClass = validator.lockClass("mmap_lock", false);
    this.hooks = hooks;
  }

  public void readLock(Task task) {
    validator.acquire(task, lockClass, this, true, false, "mmap_read_lock");
    boolean mustWait;
    synchronized (this) {
      mustWait = writer != null || queuedWriters > 0;
      if (!mustWait) {
        readers++;
        return;
      }
    }
    hooks.fire(HookPoint.MMAP_READER_WAIT, task);
    synchronized (this) {
      while (writer != null || queuedWriters > 0) {
        await();
      }
      readers++;
    }
  }

  public synchronized void readUnlock(Task task) {
    validator.release(task, this, "mmap_read_unlock");
    readers--;
    notifyAll();
  }

  public void writeLock(Task task) {
    validator.acquire(task, lockClass, this, false, false, "mmap_write_lock");
    synchronized (this) {
      if (writer == null && readers == 0 && queuedWriters == 0) {
        writer = task;
        return;
      }
      queuedWriters++;
    }
    hooks.fire(HookPoint.MMAP_WRITER_QUEUED, task);
    synchronized (this) {
      while (writer != null || readers > 0) {
        await();
      }
      queuedWriters--;
      writer = task;
    }
  }

  public synchronized void writeUnlock(Task task) {
    validator.release(task, this, "mmap_write_unlock");
    writer = null;
    notifyAll();
  }

  /** Writers waiting for the lock. */
  public synchronized int queuedWriters() {
    return queuedWriters;
  }

  public synchronized int readers() {
    return readers;
  }

  private void await() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for mmap_lock", e);
    }
  }
}
