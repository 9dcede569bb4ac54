package org.vfsim.lockdep;

/** What the validator needs of a task: a name for reports and its held-lock stack. */
public interface LockOwner {
  String lockdepName();

  HeldLocks heldLocks();
}
