package org.vfsim.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.vfsim.fs.FileTable;
import org.vfsim.mm.Mm;

/**
 * A simulated process (thread group): one user address space and one file-descriptor table
 * shared by its tasks.
 */
public final class UserProcess {
  private final int pid;
  private final String name;
  private final Credentials credentials;
  private final Mm mm;
  private final FileTable files = new FileTable();
  private final List<Task> tasks = new ArrayList<>();
  private final TaskIds ids;
  /** Set by a power cut: the process died with the machine. */
  private volatile boolean dead;

  /** Hands out pids and tids for one machine. */
  public static final class TaskIds {
    private int next = 1;

    synchronized int next() {
      return next++;
    }
  }

  public UserProcess(TaskIds ids, String name, Credentials credentials, Function<UserProcess, Mm> mm) {
    this.ids = ids;
    this.pid = ids.next();
    this.name = name;
    this.credentials = credentials;
    this.mm = mm.apply(this);
    tasks.add(new Task(pid, name, this, credentials));
  }

  public int pid() {
    return pid;
  }

  public String name() {
    return name;
  }

  public Mm mm() {
    return mm;
  }

  public FileTable files() {
    return files;
  }

  /** The first task, whose tid is the pid. */
  public Task mainTask() {
    return tasks.get(0);
  }

  /** Creates another thread sharing this process's memory and files. */
  public synchronized Task newThread(String threadName) {
    Task t = new Task(ids.next(), threadName, this, credentials);
    tasks.add(t);
    return t;
  }

  /**
   * The machine lost power: this process died with it. Its descriptors, mappings and memory
   * referred to the page cache and mounts of before the cut, which no longer exist.
   */
  public void diedAtPowerCut() {
    dead = true;
  }

  /** Whether the process died at a power cut (its system calls fail with ESRCH). */
  public boolean isDead() {
    return dead;
  }

  public synchronized List<Task> tasks() {
    return List.copyOf(tasks);
  }
}
