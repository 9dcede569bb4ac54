package org.vfsim.lockdep;

import java.util.List;

/**
 * What the validator found: the kind of violation, the task and the acquisition chains that
 * prove it (for a cycle, the chain being attempted now and the earlier chain that recorded the
 * opposite order).
 */
public record LockdepReport(Kind kind, String task, String summary, List<String> chains) {
  /** The classes of bug lockdep reports. */
  public enum Kind {
    /** Taking a lock would close a cycle in the class dependency graph: a possible deadlock. */
    CIRCULAR_DEPENDENCY,
    /** A task takes a non-re-entrant lock it already holds: a certain self-deadlock. */
    RECURSIVE_LOCKING,
    /** A system call returned to user space with a lock still held. */
    LOCK_HELD_ON_RETURN,
    /** A task released a lock it does not hold. */
    BAD_UNLOCK,
    /** An inode was evicted while a system call still used it (its file was not held). */
    EVICTED_WHILE_IN_USE,
  }

  /** The report as lockdep would print it: summary line, then each chain. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("WARNING: ").append(summary).append('\n');
    sb.append("task ").append(task).append('\n');
    for (String c : chains) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
