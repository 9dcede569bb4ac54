package org.vfsim.pagecache;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A sparse array indexed by {@code long}, shaped like the kernel's xarray (a radix tree of
 * 64-slot nodes) with per-entry marks that are summarised up the tree, so "next dirty page at or
 * after i" skips clean subtrees the way writeback's tagged lookups do. It indexes the page cache
 * of a file and the page table of a process.
 *
 * <p>Not thread-safe for writers; the page cache serialises modifications per mapping, and
 * readers that race with a writer may see a stale miss, which callers resolve under the lock.
 */
public final class XArray<T> {
  private static final int SHIFT = 6;
  private static final int SLOTS = 1 << SHIFT;
  private static final int MASK = SLOTS - 1;
  /** Number of mark bits kept per entry. */
  public static final int MARKS = 2;

  private static final class Node {
    final Object[] slots = new Object[SLOTS];
    final long[] marks = new long[MARKS];
    int count;
  }

  /** Root and height published together, so a lock-free reader never pairs a root with a wrong height. */
  private record Top(Node root, int height) {}

  private static final Top EMPTY = new Top(null, 0);

  private volatile Top top = EMPTY;
  private Node root;
  private int height;
  private long size;

  private void publish() {
    top = root == null ? EMPTY : new Top(root, height);
  }

  /** Number of entries present. */
  public long size() {
    return size;
  }

  /** Levels of nodes (0 when empty); for tests of shrinking. */
  int height() {
    return height;
  }

  private long capacity() {
    return height >= 11 ? Long.MAX_VALUE : 1L << (SHIFT * height);
  }

  @SuppressWarnings("unchecked")
  public T load(long index) {
    Top t = top;
    Node n = t.root;
    int height = t.height;
    if (n == null || index < 0 || (height < 11 && index >= (1L << (SHIFT * height)))) {
      return null;
    }
    for (int level = height - 1; level > 0; level--) {
      n = (Node) n.slots[(int) (index >>> (level * SHIFT)) & MASK];
      if (n == null) {
        return null;
      }
    }
    return (T) n.slots[(int) index & MASK];
  }

  /** Stores {@code value} (non-null) at {@code index}; returns the previous entry. */
  @SuppressWarnings("unchecked")
  public T store(long index, T value) {
    checkArgument(index >= 0, "negative index %s", index);
    if (value == null) {
      return erase(index);
    }
    while (root == null || index >= capacity()) {
      grow();
    }
    Node n = root;
    for (int level = height - 1; level > 0; level--) {
      int slot = (int) (index >>> (level * SHIFT)) & MASK;
      Node child = (Node) n.slots[slot];
      if (child == null) {
        child = new Node();
        n.slots[slot] = child;
        n.count++;
      }
      n = child;
    }
    int slot = (int) index & MASK;
    Object old = n.slots[slot];
    n.slots[slot] = value;
    if (old == null) {
      n.count++;
      size++;
    }
    return (T) old;
  }

  private void grow() {
    Node newRoot = new Node();
    if (root != null) {
      newRoot.slots[0] = root;
      newRoot.count = 1;
      for (int m = 0; m < MARKS; m++) {
        if (root.marks[m] != 0) {
          newRoot.marks[m] = 1L;
        }
      }
    }
    root = newRoot;
    height++;
    publish();
  }

  /** Removes the entry at {@code index} and its marks; returns it. */
  @SuppressWarnings("unchecked")
  public T erase(long index) {
    if (root == null || index < 0 || index >= capacity()) {
      return null;
    }
    Node[] path = new Node[height];
    Node n = root;
    for (int level = height - 1; level > 0; level--) {
      path[level] = n;
      n = (Node) n.slots[(int) (index >>> (level * SHIFT)) & MASK];
      if (n == null) {
        return null;
      }
    }
    path[0] = n;
    int slot = (int) index & MASK;
    Object old = n.slots[slot];
    if (old == null) {
      return null;
    }
    n.slots[slot] = null;
    n.count--;
    size--;
    for (int m = 0; m < MARKS; m++) {
      clearMarkOnPath(path, index, m);
    }
    // Free nodes that became empty, bottom up.
    for (int level = 0; level < height - 1; level++) {
      if (path[level].count != 0) {
        break;
      }
      Node parent = path[level + 1];
      parent.slots[(int) (index >>> ((level + 1) * SHIFT)) & MASK] = null;
      parent.count--;
    }
    if (root.count == 0) {
      root = null;
      height = 0;
      publish();
    } else {
      shrink();
    }
    return (T) old;
  }

  /**
   * Drops root levels whose only child is in slot 0, as {@code xas_shrink} does, so that erasing
   * a far index does not leave every later lookup walking a tall tree. A lock-free reader holding
   * the old root still reaches the same nodes through slot 0.
   */
  private void shrink() {
    boolean changed = false;
    while (height > 1 && root.count == 1 && root.slots[0] != null) {
      root = (Node) root.slots[0];
      height--;
      changed = true;
    }
    if (changed) {
      publish();
    }
  }

  public void setMark(long index, int mark) {
    Node n = root;
    if (n == null || index >= capacity()) {
      throw new IllegalStateException("no entry at " + index);
    }
    for (int level = height - 1; level > 0; level--) {
      int slot = (int) (index >>> (level * SHIFT)) & MASK;
      n.marks[mark] |= 1L << slot;
      n = (Node) n.slots[slot];
    }
    n.marks[mark] |= 1L << ((int) index & MASK);
  }

  public boolean getMark(long index, int mark) {
    Node n = root;
    if (n == null || index < 0 || index >= capacity()) {
      return false;
    }
    for (int level = height - 1; level > 0; level--) {
      n = (Node) n.slots[(int) (index >>> (level * SHIFT)) & MASK];
      if (n == null) {
        return false;
      }
    }
    return (n.marks[mark] & (1L << ((int) index & MASK))) != 0;
  }

  public void clearMark(long index, int mark) {
    if (root == null || index < 0 || index >= capacity()) {
      return;
    }
    Node[] path = new Node[height];
    Node n = root;
    for (int level = height - 1; level > 0; level--) {
      path[level] = n;
      n = (Node) n.slots[(int) (index >>> (level * SHIFT)) & MASK];
      if (n == null) {
        return;
      }
    }
    path[0] = n;
    clearMarkOnPath(path, index, mark);
  }

  private void clearMarkOnPath(Node[] path, long index, int mark) {
    for (int level = 0; level < height; level++) {
      Node n = path[level];
      int slot = (int) (index >>> (level * SHIFT)) & MASK;
      n.marks[mark] &= ~(1L << slot);
      if (n.marks[mark] != 0) {
        return;
      }
    }
  }

  /** The first index at or after {@code from} whose entry carries {@code mark}, or -1. */
  public long nextMarked(long from, int mark) {
    return next(from, mark);
  }

  /** The first index at or after {@code from} with an entry, or -1. */
  public long nextPresent(long from) {
    return next(from, -1);
  }

  private long next(long from, int mark) {
    if (root == null || from < 0 || from >= capacity()) {
      return -1;
    }
    return search(root, height - 1, 0, from, mark);
  }

  private long search(Node n, int level, long base, long from, int mark) {
    int shift = level * SHIFT;
    int first = from <= base ? 0 : (int) ((from - base) >>> shift);
    for (int slot = first; slot < SLOTS; slot++) {
      if (mark >= 0) {
        long bits = n.marks[mark] & (-1L << slot);
        if (bits == 0) {
          return -1;
        }
        slot = Long.numberOfTrailingZeros(bits);
      } else if (n.slots[slot] == null) {
        continue;
      }
      long childBase = base + ((long) slot << shift);
      if (level == 0) {
        if (n.slots[slot] != null) {
          return childBase;
        }
        continue;
      }
      long found = search((Node) n.slots[slot], level - 1, childBase, Math.max(from, childBase), mark);
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }
}
