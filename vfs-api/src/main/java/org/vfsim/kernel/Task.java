package org.vfsim.kernel;

import static com.google.common.base.Preconditions.checkState;

import org.vfsim.lockdep.HeldLocks;
import org.vfsim.lockdep.LockOwner;

/**
 * A simulated thread ({@code task_struct}): the identity that owns locks, takes page faults and
 * makes system calls. A task is driven by one Java thread at a time; the state here is its own.
 */
public final class Task implements LockOwner {
  private final int tid;
  private final String name;
  private final UserProcess process;
  private final Credentials credentials;
  private final HeldLocks heldLocks = new HeldLocks();
  private int pagefaultDisabled;
  private volatile boolean fatalSignalPending;

  Task(int tid, String name, UserProcess process, Credentials credentials) {
    this.tid = tid;
    this.name = name;
    this.process = process;
    this.credentials = credentials;
  }

  public int tid() {
    return tid;
  }

  public String name() {
    return name;
  }

  public UserProcess process() {
    return process;
  }

  public Credentials credentials() {
    return credentials;
  }

  @Override
  public String lockdepName() {
    return name + "/" + tid;
  }

  @Override
  public HeldLocks heldLocks() {
    return heldLocks;
  }

  /** {@code pagefault_disable()}: user copies stop at absent pages instead of faulting. */
  public void pagefaultDisable() {
    pagefaultDisabled++;
  }

  public void pagefaultEnable() {
    checkState(pagefaultDisabled > 0, "pagefault_enable without disable");
    pagefaultDisabled--;
  }

  public boolean pagefaultDisabled() {
    return pagefaultDisabled > 0;
  }

  /** Delivers SIGKILL: long-running kernel loops notice it and return {@code -EINTR}. */
  public void sendFatalSignal() {
    fatalSignalPending = true;
  }

  public void clearFatalSignal() {
    fatalSignalPending = false;
  }

  public boolean fatalSignalPending() {
    return fatalSignalPending;
  }

  @Override
  public String toString() {
    return lockdepName();
  }
}
