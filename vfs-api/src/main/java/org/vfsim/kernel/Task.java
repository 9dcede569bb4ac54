package org.vfsim.kernel;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayDeque;
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
  private int syscallDepth;
  private final ArrayDeque<Runnable> taskWork = new ArrayDeque<>();

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

  /** Entering a system call: work queued from now on waits for {@link #exitSyscall()}. */
  public synchronized void enterSyscall() {
    syscallDepth++;
  }

  /**
   * Leaving a system call; at the outermost level runs the queued task work, as the kernel does
   * on the way back to user space ({@code task_work_run} before {@code lockdep_sys_exit}).
   */
  public void exitSyscall() {
    synchronized (this) {
      checkState(syscallDepth > 0, "exitSyscall outside a system call");
      if (--syscallDepth > 0) {
        return;
      }
    }
    runTaskWork();
  }

  /** Whether the task is inside a system call (where a last {@code fput} is deferred). */
  public synchronized boolean inSyscall() {
    return syscallDepth > 0;
  }

  /**
   * {@code task_work_add(..., TWA_RESUME)}: runs {@code work} when the task returns to user
   * space, or now if it is not in a system call.
   */
  public void addTaskWork(Runnable work) {
    synchronized (this) {
      if (syscallDepth > 0) {
        taskWork.add(work);
        return;
      }
    }
    work.run();
  }

  private void runTaskWork() {
    RuntimeException first = null;
    while (true) {
      Runnable w;
      synchronized (this) {
        w = taskWork.poll();
      }
      if (w == null) {
        break;
      }
      try {
        w.run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return lockdepName();
  }
}
