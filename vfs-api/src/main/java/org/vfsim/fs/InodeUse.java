package org.vfsim.fs;

import org.vfsim.kernel.Task;

/**
 * One file operation's use of an inode ({@link Inode#use}), open for the operation's duration:
 * what eviction checks so that a missing file reference fails loudly.
 */
public final class InodeUse implements AutoCloseable {
  private final Inode inode;
  private final Task task;
  private final String op;

  InodeUse(Inode inode, Task task, String op) {
    this.inode = inode;
    this.task = task;
    this.op = op;
  }

  /** Ends the use. */
  @Override
  public void close() {
    inode.endUse(this);
  }

  @Override
  public String toString() {
    return task.lockdepName() + " in " + op + " of " + inode;
  }
}
