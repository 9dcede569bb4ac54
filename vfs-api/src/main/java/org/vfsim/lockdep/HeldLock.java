package org.vfsim.lockdep;

/** One entry of a task's held-lock stack: which lock, of which class, taken how and where. */
public record HeldLock(LockClass lockClass, Object instance, boolean read, String site) {
  @Override
  public String toString() {
    return lockClass.name() + (read ? " (read)" : "") + " at " + site;
  }
}
