package org.vfsim.lockdep;

import com.google.common.collect.ImmutableList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A lock validator in the spirit of the kernel's lockdep. Every acquisition is recorded as edges
 * from each class the task already holds to the class being taken; the first acquisition that
 * would close a cycle in that class graph, or re-take a lock the task holds, is reported with the
 * chains that prove it, before the task could block. A deadlock that needs an unlucky
 * interleaving is therefore caught by any run that merely takes the two orders once each.
 *
 * <p>The fast path (an edge already known) is two array reads per held lock, cheap enough to
 * leave on in benchmarks.
 */
public final class LockValidator {
  /** Reports no test has acknowledged yet, across all validators; read by the JUnit extension. */
  private static final List<LockdepReport> UNACKNOWLEDGED = new ArrayList<>();

  private final Map<String, LockClass> classes = new HashMap<>();
  private volatile boolean[][] edges = new boolean[0][0];
  private final Map<Long, String> edgeChains = new HashMap<>();
  private final List<LockdepReport> reports = new ArrayList<>();
  private volatile boolean throwOnReport = true;

  /** Returns the class called {@code name}, creating it on first use. */
  public synchronized LockClass lockClass(String name, boolean nestable) {
    LockClass c = classes.get(name);
    if (c == null) {
      c = new LockClass(classes.size(), name, nestable);
      classes.put(name, c);
      boolean[][] grown = new boolean[classes.size()][];
      for (int i = 0; i < grown.length; i++) {
        grown[i] = i < edges.length ? Arrays.copyOf(edges[i], grown.length) : new boolean[grown.length];
      }
      edges = grown;
    }
    return c;
  }

  /**
   * Whether a report also throws {@link LockdepViolation} (the default, so a test never hangs
   * in the deadlock it predicted) or is only recorded.
   */
  public void setThrowOnReport(boolean throwOnReport) {
    this.throwOnReport = throwOnReport;
  }

  /** Validates and records an acquisition; call before blocking on the lock. */
  public void acquire(LockOwner owner, LockClass cls, Object instance, boolean read, boolean trylock,
      String site) {
    HeldLocks held = owner.heldLocks();
    int depth = held.depth();
    if (depth > 0) {
      if (held.holds(instance)) {
        report(new LockdepReport(LockdepReport.Kind.RECURSIVE_LOCKING, owner.lockdepName(),
            "possible recursive locking detected: " + owner.lockdepName() + " is trying to acquire "
                + cls.name() + (read ? " (read)" : "") + " at " + site + " but already holds it",
            ImmutableList.of(chain(owner, cls, read, site))));
      }
      if (!trylock) {
        boolean[][] e = edges;
        for (int i = 0; i < depth; i++) {
          LockClass prev = held.classAt(i);
          if (prev == cls) {
            if (!cls.nestable() && !held.instanceAt(i).equals(instance)) {
              report(new LockdepReport(LockdepReport.Kind.RECURSIVE_LOCKING, owner.lockdepName(),
                  "possible recursive locking detected: two " + cls.name()
                      + " locks held without a nesting rule",
                  ImmutableList.of(chain(owner, cls, read, site))));
            }
            continue;
          }
          if (!e[prev.id][cls.id]) {
            addEdge(owner, prev, cls, read, site);
          }
        }
      }
    }
    held.push(cls, instance, read, site);
  }

  /** Records a release; reports a release of a lock the task does not hold. */
  public void release(LockOwner owner, Object instance, String site) {
    if (!owner.heldLocks().remove(instance)) {
      report(new LockdepReport(LockdepReport.Kind.BAD_UNLOCK, owner.lockdepName(),
          "bad unlock balance detected: " + owner.lockdepName() + " releases a lock it does not hold"
              + " at " + site,
          ImmutableList.of(chain(owner, null, false, site))));
    }
  }

  /** Checks that a task returning to user space holds nothing, as lockdep_sys_exit does. */
  public void checkReturnToUser(LockOwner owner, String syscall) {
    HeldLocks held = owner.heldLocks();
    if (held.depth() != 0) {
      LockdepReport r = new LockdepReport(LockdepReport.Kind.LOCK_HELD_ON_RETURN, owner.lockdepName(),
          "lock held when returning to user space from " + syscall + ": " + held.snapshot(),
          ImmutableList.of(chain(owner, null, false, syscall)));
      held.clear();
      report(r);
    }
  }

  /**
   * Reports an inode evicted (or used after eviction) while a system call uses it: the call
   * did not hold its file, so the last {@code fput} ran under it. Lockdep has no such check;
   * KASAN would catch the use-after-free this becomes in the kernel.
   */
  public void reportEvictedInUse(LockOwner owner, String inode, String what, List<String> uses) {
    List<String> chains = new ArrayList<>(uses);
    chains.add(chain(owner, null, false, "iput"));
    report(new LockdepReport(LockdepReport.Kind.EVICTED_WHILE_IN_USE, owner.lockdepName(),
        inode + " " + what, chains));
  }

  private synchronized void addEdge(LockOwner owner, LockClass from, LockClass to, boolean read,
      String site) {
    if (edges[from.id][to.id]) {
      return;
    }
    List<LockClass> path = findPath(to, from);
    String attempt = chain(owner, to, read, site);
    if (path != null) {
      List<String> chains = new ArrayList<>();
      chains.add("-> now: " + attempt);
      for (int i = 0; i + 1 < path.size(); i++) {
        chains.add("-> earlier " + path.get(i) + " then " + path.get(i + 1) + ": "
            + edgeChains.get(key(path.get(i), path.get(i + 1))));
      }
      // Record nothing: the edge would make the graph cyclic for every later check.
      report(new LockdepReport(LockdepReport.Kind.CIRCULAR_DEPENDENCY, owner.lockdepName(),
          "possible circular locking dependency detected: " + owner.lockdepName()
              + " is trying to acquire " + to.name() + " while holding " + from.name()
              + ", but " + to.name() + " -> " + from.name() + " was seen before",
          chains));
      return;
    }
    boolean[][] e = edges;
    e[from.id][to.id] = true;
    edgeChains.put(key(from, to), attempt);
  }

  /** Breadth-first search for a path of known edges from {@code src} to {@code dst}. */
  private List<LockClass> findPath(LockClass src, LockClass dst) {
    LockClass[] byId = new LockClass[classes.size()];
    classes.values().forEach(c -> byId[c.id] = c);
    int[] parent = new int[byId.length];
    Arrays.fill(parent, -2);
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(src.id);
    parent[src.id] = -1;
    boolean[][] e = edges;
    while (!queue.isEmpty()) {
      int n = queue.poll();
      if (n == dst.id) {
        List<LockClass> path = new ArrayList<>();
        for (int c = n; c != -1; c = parent[c]) {
          path.add(0, byId[c]);
        }
        return path;
      }
      for (int m = 0; m < byId.length; m++) {
        if (e[n][m] && parent[m] == -2) {
          parent[m] = n;
          queue.add(m);
        }
      }
    }
    return null;
  }

  private static long key(LockClass a, LockClass b) {
    return ((long) a.id << 32) | b.id;
  }

  private static String chain(LockOwner owner, LockClass cls, boolean read, String site) {
    StringBuilder sb = new StringBuilder(owner.lockdepName()).append(": holds [");
    List<HeldLock> held = owner.heldLocks().snapshot();
    for (int i = 0; i < held.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(held.get(i));
    }
    sb.append(']');
    if (cls != null) {
      sb.append(", acquires ").append(cls.name()).append(read ? " (read)" : "").append(" at ")
          .append(site);
    }
    return sb.toString();
  }

  private void report(LockdepReport r) {
    synchronized (this) {
      reports.add(r);
    }
    synchronized (UNACKNOWLEDGED) {
      UNACKNOWLEDGED.add(r);
    }
    if (throwOnReport) {
      throw new LockdepViolation(r);
    }
  }

  /** Reports made so far, oldest first. */
  public synchronized ImmutableList<LockdepReport> reports() {
    return ImmutableList.copyOf(reports);
  }

  /** Returns this validator's reports and acknowledges them, so a test expecting them passes. */
  public ImmutableList<LockdepReport> takeReports() {
    ImmutableList<LockdepReport> taken;
    synchronized (this) {
      taken = ImmutableList.copyOf(reports);
      reports.clear();
    }
    synchronized (UNACKNOWLEDGED) {
      UNACKNOWLEDGED.removeAll(taken);
    }
    return taken;
  }

  /** Reports made by any validator that no test has taken; clears the list. */
  public static ImmutableList<LockdepReport> drainUnacknowledged() {
    synchronized (UNACKNOWLEDGED) {
      ImmutableList<LockdepReport> copy = ImmutableList.copyOf(UNACKNOWLEDGED);
      UNACKNOWLEDGED.clear();
      return copy;
    }
  }
}
