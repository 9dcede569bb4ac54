package org.vfsim.lockdep;

/**
 * A class of locks that obey one ordering rule, as lockdep groups every {@code i_rwsem} or every
 * folio lock together: an order seen between two instances holds for all of them.
 */
public final class LockClass {
  final int id;
  private final String name;
  private final boolean nestable;

  LockClass(int id, String name, boolean nestable) {
    this.id = id;
    this.name = name;
    this.nestable = nestable;
  }

  public String name() {
    return name;
  }

  /**
   * Whether a task may hold two different instances of this class at once (several folio locks
   * in a multi-page write, taken in index order). Re-taking the same instance is always a bug.
   */
  public boolean nestable() {
    return nestable;
  }

  @Override
  public String toString() {
    return name;
  }
}
