package org.vfsim.btrfsish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A file's extent items ({@code file.c}): inserting, removing, trimming and splitting them
 * ({@code btrfs_drop_extents}, {@code btrfs_mark_extent_written}); the changed keys are what
 * the next commit writes to the fs tree. Callers hold the fs lock.
 */
final class FileExtents {
  private final BtrfsFs fs;

  FileExtents(BtrfsFs fs) {
    this.fs = fs;
  }

  void putItem(BtrfsInode inode, long key, FileExtentItem it) {
    inode.item.items.put(key, it);
    fs.dirtyFsKeys.add(new Key(inode.ino(), Key.EXTENT_DATA, key));
    fs.extentTree.ref(inode, key, it, 1);
  }

  void removeItem(BtrfsInode inode, long key) {
    FileExtentItem it = inode.item.items.remove(key);
    fs.dirtyFsKeys.add(new Key(inode.ino(), Key.EXTENT_DATA, key));
    fs.extentTree.ref(inode, key, it, -1);
  }

  /**
   * {@code btrfs_drop_extents}: no item covers {@code [start, end)} afterwards. An item that
   * straddles an end is trimmed, and one that spans the whole range is split in two pieces that
   * both reference the old extent, which therefore stays fully allocated.
   */
  void dropExtents(BtrfsInode inode, long start, long end) {
    TreeMap<Long, FileExtentItem> items = inode.item.items;
    List<Long> keys = new ArrayList<>();
    Long first = items.floorKey(start);
    if (first != null && first + items.get(first).numBytes() > start) {
      keys.add(first);
    }
    keys.addAll(items.subMap(start, false, end, false).keySet());
    if (items.containsKey(start) && !keys.contains(start)) {
      keys.add(start);
    }
    for (long k : keys) {
      FileExtentItem it = items.get(k);
      long ie = k + it.numBytes();
      if (ie <= start || k >= end) {
        continue;
      }
      // New pieces take their references before the old item drops its own, so an extent
      // that stays referenced is never freed in between.
      if (k < start) {
        putItemReplacing(inode, k, it.slice(0, start - k), it);
      }
      if (ie > end) {
        putItem(inode, end, it.slice(end - k, ie - end));
      }
      if (k >= start) {
        removeItem(inode, k);
      }
    }
  }

  /** Replaces the item at {@code key} by {@code piece} (same key), keeping the extent alive. */
  void putItemReplacing(BtrfsInode inode, long key, FileExtentItem piece,
      FileExtentItem old) {
    fs.extentTree.ref(inode, key, piece, 1);
    inode.item.items.put(key, piece);
    fs.dirtyFsKeys.add(new Key(inode.ino(), Key.EXTENT_DATA, key));
    fs.extentTree.ref(inode, key, old, -1);
  }

  /** The item covering file offset {@code pos}, or null. */
  Map.@Nullable Entry<Long, FileExtentItem> itemAt(BtrfsInode inode, long pos) {
    Map.Entry<Long, FileExtentItem> e = inode.item.items.floorEntry(pos);
    return e != null && e.getKey() + e.getValue().numBytes() > pos ? e : null;
  }

  /**
   * {@code btrfs_mark_extent_written}: the written part of a preallocated item becomes a regular
   * item; the rest stays preallocated; a regular neighbour of the same extent is merged.
   */
  void markWritten(BtrfsInode inode, long pos, long len) {
    Map.Entry<Long, FileExtentItem> e = itemAt(inode, pos);
    long k = e.getKey();
    FileExtentItem it = e.getValue();
    long ie = k + it.numBytes();
    FileExtentItem mid = it.slice(pos - k, len).written();
    if (pos > k) {
      putItemReplacing(inode, k, it.slice(0, pos - k), it);
      putItem(inode, pos, mid);
    } else {
      putItemReplacing(inode, k, mid, it);
    }
    if (pos + len < ie) {
      putItem(inode, pos + len, it.slice(pos + len - k, ie - pos - len));
    }
    mergeWithPrevious(inode, pos);
    Map.Entry<Long, FileExtentItem> next = inode.item.items.higherEntry(pos);
    if (next != null) {
      mergeWithPrevious(inode, next.getKey());
    }
  }

  void mergeWithPrevious(BtrfsInode inode, long key) {
    FileExtentItem it = inode.item.items.get(key);
    Map.Entry<Long, FileExtentItem> prev = inode.item.items.lowerEntry(key);
    if (it == null || prev == null) {
      return;
    }
    FileExtentItem p = prev.getValue();
    if (prev.getKey() + p.numBytes() == key && p.diskBytenr() == it.diskBytenr()
        && p.offset() + p.numBytes() == it.offset() && p.prealloc() == it.prealloc()) {
      FileExtentItem merged = new FileExtentItem(p.diskBytenr(), p.diskNumBytes(), p.offset(),
          p.numBytes() + it.numBytes(), p.prealloc());
      putItemReplacing(inode, prev.getKey(), merged, p);
      removeItem(inode, key);
    }
  }

  List<long[]> holes(BtrfsInode inode, long start, long end) {
    List<long[]> out = new ArrayList<>();
    long at = start;
    while (at < end) {
      Map.Entry<Long, FileExtentItem> e = itemAt(inode, at);
      if (e != null) {
        at = e.getKey() + e.getValue().numBytes();
        continue;
      }
      Long next = inode.item.items.higherKey(at);
      long holeEnd = next == null ? end : Math.min(end, next);
      out.add(new long[] {at, holeEnd});
      at = holeEnd;
    }
    return out;
  }
}
