package org.vfsim.kernel;

import static com.google.common.base.Preconditions.checkState;

import org.jspecify.annotations.Nullable;
import org.vfsim.lockdep.LockClass;
import org.vfsim.lockdep.LockValidator;

/**
 * A sleeping, non-re-entrant lock owned by a task and checked by the lock validator: the
 * simulation's {@code struct mutex} and the write side of an {@code rw_semaphore} such as
 * {@code i_rwsem}. Filesystems use it for their own locks and get ordering checks for free.
 */
public final class Mutex {
  private final LockValidator validator;
  private final LockClass lockClass;
  private @Nullable Task owner;

  public Mutex(LockValidator validator, LockClass lockClass) {
    this.validator = validator;
    this.lockClass = lockClass;
  }

  public void lock(Task task) {
    validator.acquire(task, lockClass, this, false, false, lockClass.name() + " lock");
    synchronized (this) {
      while (owner != null) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for " + lockClass, e);
        }
      }
      owner = task;
    }
  }

  public boolean tryLock(Task task) {
    synchronized (this) {
      if (owner != null) {
        return false;
      }
      owner = task;
    }
    validator.acquire(task, lockClass, this, false, true, lockClass.name() + " trylock");
    return true;
  }

  public void unlock(Task task) {
    synchronized (this) {
      checkState(owner == task, "%s unlocks %s held by %s", task, lockClass, owner);
      owner = null;
      notifyAll();
    }
    validator.release(task, this, lockClass.name() + " unlock");
  }

  public synchronized boolean isHeldBy(Task task) {
    return owner == task;
  }

  public synchronized boolean isLocked() {
    return owner != null;
  }
}
