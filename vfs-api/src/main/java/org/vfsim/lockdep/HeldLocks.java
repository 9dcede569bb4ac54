package org.vfsim.lockdep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A task's stack of held locks ({@code current->held_locks}). Touched only by its own task. Kept
 * as parallel arrays so that taking a lock allocates nothing on the write path's hot loop; the
 * {@link HeldLock} records are built only for reports.
 */
public final class HeldLocks {
  private LockClass[] classes = new LockClass[8];
  private Object[] instances = new Object[8];
  private boolean[] reads = new boolean[8];
  private String[] sites = new String[8];
  private int depth;

  public int depth() {
    return depth;
  }

  public List<HeldLock> snapshot() {
    List<HeldLock> out = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      out.add(get(i));
    }
    return List.copyOf(out);
  }

  HeldLock get(int i) {
    return new HeldLock(classes[i], instances[i], reads[i], sites[i]);
  }

  LockClass classAt(int i) {
    return classes[i];
  }

  Object instanceAt(int i) {
    return instances[i];
  }

  void push(HeldLock h) {
    push(h.lockClass(), h.instance(), h.read(), h.site());
  }

  void push(LockClass cls, Object instance, boolean read, String site) {
    if (depth == classes.length) {
      classes = Arrays.copyOf(classes, depth * 2);
      instances = Arrays.copyOf(instances, depth * 2);
      reads = Arrays.copyOf(reads, depth * 2);
      sites = Arrays.copyOf(sites, depth * 2);
    }
    classes[depth] = cls;
    instances[depth] = instance;
    reads[depth] = read;
    sites[depth] = site;
    depth++;
  }

  /** Removes the topmost entry for {@code instance}; false if the task does not hold it. */
  boolean remove(Object instance) {
    for (int i = depth - 1; i >= 0; i--) {
      if (instances[i] == instance) {
        int tail = depth - i - 1;
        System.arraycopy(classes, i + 1, classes, i, tail);
        System.arraycopy(instances, i + 1, instances, i, tail);
        System.arraycopy(reads, i + 1, reads, i, tail);
        System.arraycopy(sites, i + 1, sites, i, tail);
        depth--;
        classes[depth] = null;
        instances[depth] = null;
        sites[depth] = null;
        return true;
      }
    }
    return false;
  }

  boolean holds(Object instance) {
    for (int i = 0; i < depth; i++) {
      if (instances[i] == instance) {
        return true;
      }
    }
    return false;
  }

  void clear() {
    Arrays.fill(classes, 0, depth, null);
    Arrays.fill(instances, 0, depth, null);
    Arrays.fill(sites, 0, depth, null);
    depth = 0;
  }
}
