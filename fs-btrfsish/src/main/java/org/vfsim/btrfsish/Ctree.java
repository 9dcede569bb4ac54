package org.vfsim.btrfsish;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One copy-on-write B+tree ({@code ctree.c}): search, insert, replace and delete keyed items.
 * Every change first copies the path from the root to the leaf it touches unless those nodes
 * already belong to the running transaction and were not written yet ({@code btrfs_cow_block});
 * full leaves and nodes split ({@code split_leaf}, {@code split_node}), a node that empties is
 * removed from its parent and a root with one child is replaced by the child. Nodes that drain
 * partly are not merged with their neighbours (btrfs balances them; here they stay, which
 * costs space, never correctness). Callers hold the fs lock.
 */
final class Ctree {
  final long owner;
  private final DiskIo io;
  ExtentBuffer root;

  Ctree(DiskIo io, long owner, ExtentBuffer root) {
    this.io = io;
    this.owner = owner;
    this.root = root;
  }

  /** A tree holding one empty leaf of the running transaction. */
  static Ctree create(DiskIo io, long owner) {
    return new Ctree(io, owner, io.alloc(owner, 0));
  }

  int height() {
    return root.level + 1;
  }

  byte @Nullable [] lookup(Key k) {
    ExtentBuffer n = root;
    while (!n.isLeaf()) {
      n = io.read(n.ptrs.get(n.search(k))[0]);
    }
    int slot = n.search(k);
    return slot >= 0 ? n.data.get(slot) : null;
  }

  /** The path to the leaf for {@code k}, each node made writable (COWed) on the way down. */
  private ExtentBuffer[] cowPath(Key k, int[] slots) {
    ExtentBuffer[] path = new ExtentBuffer[root.level + 1];
    if (io.mustCow(root)) {
      root = io.cow(root);
    }
    ExtentBuffer n = root;
    while (true) {
      path[n.level] = n;
      if (n.isLeaf()) {
        slots[0] = n.search(k);
        return path;
      }
      int slot = n.search(k);
      slots[n.level] = slot;
      ExtentBuffer child = io.read(n.ptrs.get(slot)[0]);
      if (io.mustCow(child)) {
        child = io.cow(child);
        n.ptrs.set(slot, new long[] {child.bytenr, child.generation});
      }
      n = child;
    }
  }

  /** Inserts {@code k} or replaces its data. */
  void put(Key k, byte[] v) {
    ExtentBuffer.checkItemFits(io.nodesize, v.length);
    byte[] old = lookup(k);
    if (old != null && java.util.Arrays.equals(old, v)) {
      return;
    }
    int[] slots = new int[root.level + 1];
    ExtentBuffer[] path = cowPath(k, slots);
    ExtentBuffer leaf = path[0];
    int slot = slots[0];
    if (slot >= 0) {
      leaf.replaceItem(slot, v);
    } else {
      int at = -slot - 1;
      leaf.insertItem(at, k, v);
      if (at == 0) {
        fixupLowKeys(path, slots, k);
      }
    }
    if (leaf.used() > io.nodesize - ExtentBuffer.HEADER) {
      split(path, slots, 0);
    }
  }

  /** {@code fixup_low_keys}: a new first key of a child becomes its separator above. */
  private static void fixupLowKeys(ExtentBuffer[] path, int[] slots, Key k) {
    for (int l = 1; l < path.length; l++) {
      ExtentBuffer n = path[l];
      if (n.keys.get(slots[l]).compareTo(k) > 0) {
        n.keys.set(slots[l], k);
      }
      if (slots[l] != 0) {
        break;
      }
    }
  }

  private void split(ExtentBuffer[] path, int[] slots, int level) {
    ExtentBuffer n = path[level];
    ExtentBuffer right = io.alloc(owner, level);
    int mid;
    if (n.isLeaf()) {
      int half = n.used() / 2;
      int acc = 0;
      mid = 0;
      while (mid < n.nritems() - 1 && acc < half) {
        acc += ExtentBuffer.ITEM + n.data.get(mid).length;
        mid++;
      }
      mid = Math.max(1, mid);
    } else {
      mid = n.nritems() / 2;
    }
    n.moveTail(mid, right);
    if (level == root.level) {
      ExtentBuffer newRoot = io.alloc(owner, level + 1);
      newRoot.insertPtr(0, n.keys.get(0), n.bytenr, n.generation);
      newRoot.insertPtr(1, right.keys.get(0), right.bytenr, right.generation);
      root = newRoot;
      return;
    }
    ExtentBuffer parent = path[level + 1];
    parent.insertPtr(slots[level + 1] + 1, right.keys.get(0), right.bytenr, right.generation);
    if (parent.used() > io.nodesize - ExtentBuffer.HEADER) {
      split(path, slots, level + 1);
    }
  }

  /** Deletes {@code k}; returns whether it was there. */
  boolean delete(Key k) {
    if (lookup(k) == null) {
      return false;
    }
    int[] slots = new int[root.level + 1];
    ExtentBuffer[] path = cowPath(k, slots);
    path[0].removeItem(slots[0]);
    for (int l = 0; l < root.level && path[l].nritems() == 0; l++) {
      io.release(path[l]);
      path[l + 1].removePtr(slots[l + 1]);
    }
    while (!root.isLeaf() && root.nritems() == 1) {
      ExtentBuffer child = io.read(root.ptrs.get(0)[0]);
      io.release(root);
      root = child;
    }
    return true;
  }

  /** Visits the items with {@code lo <= key <= hi} in key order. */
  void scan(Key lo, Key hi, BiConsumer<Key, byte[]> f) {
    scan(root, lo, hi, f);
  }

  private void scan(ExtentBuffer n, Key lo, Key hi, BiConsumer<Key, byte[]> f) {
    if (n.isLeaf()) {
      int i = n.search(lo);
      for (i = i >= 0 ? i : -i - 1; i < n.nritems(); i++) {
        if (n.keys.get(i).compareTo(hi) > 0) {
          return;
        }
        f.accept(n.keys.get(i), n.data.get(i));
      }
      return;
    }
    for (int i = n.search(lo); i < n.nritems(); i++) {
      if (n.keys.get(i).compareTo(hi) > 0) {
        return;
      }
      scan(io.read(n.ptrs.get(i)[0]), lo, hi, f);
    }
  }

  List<Key> keys(Key lo, Key hi) {
    List<Key> out = new ArrayList<>();
    scan(lo, hi, (k, v) -> out.add(k));
    return out;
  }

  /** Visits every node, parents before children (reading each once). */
  void walk(Consumer<ExtentBuffer> f) {
    walk(root, f);
  }

  private void walk(ExtentBuffer n, Consumer<ExtentBuffer> f) {
    f.accept(n);
    if (!n.isLeaf()) {
      for (long[] p : n.ptrs) {
        walk(io.read(p[0]), f);
      }
    }
  }

  /** The nodes changed in this transaction and not written (only they have such children). */
  void dirtyNodes(List<ExtentBuffer> out) {
    dirty(root, out);
  }

  private void dirty(ExtentBuffer n, List<ExtentBuffer> out) {
    if (n.written) {
      return;
    }
    out.add(n);
    if (!n.isLeaf()) {
      for (long[] p : n.ptrs) {
        dirty(io.read(p[0]), out);
      }
    }
  }

  /** Frees every node of the tree (a dropped log tree). */
  void dropAll() {
    List<ExtentBuffer> all = new ArrayList<>();
    walk(all::add);
    all.forEach(io::release);
  }
}
