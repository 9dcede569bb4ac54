package org.vfsim.lockdep;

import java.util.Arrays;
import java.util.List;

/** A task's stack of held locks ({@code current->held_locks}). Touched only by its own task. */
public final class HeldLocks {
  private HeldLock[] stack = new HeldLock[8];
  private int depth;

  public int depth() {
    return depth;
  }

  public List<HeldLock> snapshot() {
    return List.of(Arrays.copyOf(stack, depth));
  }

  HeldLock get(int i) {
    return stack[i];
  }

  void push(HeldLock h) {
    if (depth == stack.length) {
      stack = Arrays.copyOf(stack, depth * 2);
    }
    stack[depth++] = h;
  }

  /** Removes the topmost entry for {@code instance}; false if the task does not hold it. */
  boolean remove(Object instance) {
    for (int i = depth - 1; i >= 0; i--) {
      if (stack[i].instance() == instance) {
        System.arraycopy(stack, i + 1, stack, i, depth - i - 1);
        stack[--depth] = null;
        return true;
      }
    }
    return false;
  }

  boolean holds(Object instance) {
    for (int i = 0; i < depth; i++) {
      if (stack[i].instance() == instance) {
        return true;
      }
    }
    return false;
  }

  void clear() {
    Arrays.fill(stack, 0, depth, null);
    depth = 0;
  }
}
