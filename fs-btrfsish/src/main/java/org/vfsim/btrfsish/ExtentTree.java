package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;

/**
 * The extent tree ({@code extent-tree.c}): extent items with their data backrefs, the delayed
 * refs of the running transaction, and the freeing of unreferenced extents into pinned space.
 * Callers hold the fs lock.
 */
final class ExtentTree {
  private final BtrfsFs fs;

  ExtentTree(BtrfsFs fs) {
    this.fs = fs;
  }

  /** The allocated bytes now hold their data: reserved becomes used and the extent item exists. */
  DiskExtent completeAllocation(long bytenr, long len) {
    fs.data.reserved -= len;
    fs.data.used += len;
    DiskExtent e = new DiskExtent(bytenr, len);
    e.generation = fs.io.transid;
    fs.extents.put(bytenr, e);
    fs.dirtyExtents.add(bytenr);
    return e;
  }

  void ref(BtrfsInode inode, long key, FileExtentItem it, int delta) {
    DiskExtent e = fs.extents.get(it.diskBytenr());
    checkState(e != null, "item at %s of inode %s points at no extent %s", key, inode.ino(), it);
    DataRef r = new DataRef(inode.ino(), it.backrefBase(key));
    fs.delayedRefs.computeIfAbsent(e.bytenr, b -> new java.util.HashSet<>()).add(r);
    int n = e.refs.getOrDefault(r, 0) + delta;
    checkState(n >= 0, "negative backref count for %s", r);
    if (n == 0) {
      e.refs.remove(r);
    } else {
      e.refs.put(r, n);
    }
    fs.dirtyExtents.add(e.bytenr);
    if (e.refs.isEmpty()) {
      freeExtent(e);
    }
  }

  /** Nothing references any part of the extent: it is freed, but pinned until the commit. */
  void freeExtent(DiskExtent e) {
    fs.extents.remove(e.bytenr);
    fs.data.used -= e.numBytes;
    fs.data.pinned += e.numBytes;
    fs.pinned.add(new long[] {e.bytenr, e.numBytes});
    if (!fs.csums.subMap(e.bytenr, e.end()).isEmpty()) {
      fs.csums.subMap(e.bytenr, e.end()).clear();
      fs.dirtyCsumRuns(e.bytenr, e.end());
    }
    fs.counters.extentsFreed++;
    fs.counters.bytesPinned += e.numBytes;
  }

  /**
   * {@code check_delayed_ref}: a backref of another (inode, offset) added or dropped in the
   * running transaction makes the extent shared for NOCOW. A reference dropped since the last
   * commit is still in the commit root (and in any log), so overwriting the extent in place
   * would change that file's committed data under a power cut.
   */
  boolean crossRefPending(DiskExtent ext, DataRef ours) {
    java.util.Set<DataRef> head = fs.delayedRefs.get(ext.bytenr);
    if (head == null) {
      return false;
    }
    for (DataRef r : head) {
      if (!r.equals(ours)) {
        return true;
      }
    }
    return false;
  }

  /** Rebuilds every extent's backrefs from the file extent items and drops unreferenced ones. */
  static boolean recountRefs(TreeLog.State root) {
    root.extents.values().forEach(e -> e.refs.clear());
    for (InodeItem i : root.inodes.values()) {
      i.items.forEach((k, it) -> {
        DiskExtent e = root.extents.get(it.diskBytenr());
        if (e != null) {
          e.refs.merge(new DataRef(i.ino, it.backrefBase(k)), 1, Integer::sum);
        }
      });
    }
    List<DiskExtent> dead = new ArrayList<>();
    root.extents.values().stream().filter(e -> e.refs.isEmpty()).forEach(dead::add);
    for (DiskExtent e : dead) {
      root.extents.remove(e.bytenr);
      root.csums.subMap(e.bytenr, e.end()).clear();
    }
    return !dead.isEmpty();
  }
}
