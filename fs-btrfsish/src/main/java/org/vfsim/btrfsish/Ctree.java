package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.IoKind;
import org.vfsim.fs.FileType;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * Tree and item operations ({@code ctree.c}, {@code file.c}): inserting, removing and
 * splitting file extent items, and the node model that says how many tree nodes a commit or a
 * log sync writes. Callers hold the fs lock.
 */
final class Ctree {
  private static final int ITEM_HEADER = 25;
  private static final int NODE_HEADER = 101;
  private static final int KEY_PTRS_PER_NODE = 121;
  private final BtrfsFs fs;

  Ctree(BtrfsFs fs) {
    this.fs = fs;
  }

  void putItem(BtrfsInode inode, long key, FileExtentItem it) {
    inode.item.items.put(key, it);
    fs.fsDirty.add((inode.ino() << 20) ^ (key >>> 20));
    fs.fsDirtyItems++;
    fs.extentTree.ref(inode, key, it, 1);
  }

  void removeItem(BtrfsInode inode, long key) {
    FileExtentItem it = inode.item.items.remove(key);
    fs.fsDirty.add((inode.ino() << 20) ^ (key >>> 20));
    fs.fsDirtyItems++;
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
    fs.fsDirty.add((inode.ino() << 20) ^ (key >>> 20));
    fs.fsDirtyItems++;
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

  void writeMetadataNodes(long nodes) {
    long nodeBlocks = fs.layout.nodeSize() / fs.device.blockSize();
    for (long n = 0; n < nodes; n++) {
      if (fs.metaCursor + fs.layout.nodeSize() > fs.layout.metaStart() + fs.layout.metaBytes()) {
        fs.metaCursor = fs.layout.metaStart();
      }
      fs.device.writeMetadata(fs.metaCursor / fs.device.blockSize(), nodeBlocks, false);
      fs.metaCursor += fs.layout.nodeSize();
    }
    fs.counters.metadataBlocksWritten += nodes * nodeBlocks;
    fs.counters.treeNodesWritten += nodes;
  }

  long fsItemsPerLeaf() {
    return (fs.layout.nodeSize() - NODE_HEADER) / (ITEM_HEADER + 53);
  }

  long extentItemsPerLeaf() {
    return (fs.layout.nodeSize() - NODE_HEADER) / (ITEM_HEADER + 53);
  }

  long csumsPerLeaf() {
    return (fs.layout.nodeSize() - NODE_HEADER - ITEM_HEADER) / 4;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  static long height(long leaves) {
    long h = 1;
    for (long n = leaves; n > 1; n = ceilDiv(n, KEY_PTRS_PER_NODE)) {
      h++;
    }
    return h;
  }

  static long nodes(long leaves) {
    long total = Math.max(1, leaves);
    for (long n = leaves; n > 1; ) {
      n = ceilDiv(n, KEY_PTRS_PER_NODE);
      total += n;
    }
    return total;
  }

  long fsItems() {
    long n = 0;
    for (BtrfsInode i : fs.inodes.values()) {
      n += 2 + i.item.items.size() + 2L * i.item.entries.size();
    }
    return n;
  }

  /** Nodes the trees occupy: the metadata space_info's {@code used} in this model. */
  long metadataNodes() {
    return nodes(ceilDiv(fsItems(), fsItemsPerLeaf()))
        + nodes(ceilDiv(fs.extents.size(), extentItemsPerLeaf()))
        + nodes(ceilDiv(fs.csums.size(), csumsPerLeaf())) + 1;
  }

  /**
   * Nodes a commit COWs: the leaves touched in each modified tree (keys bucketed into leaves)
   * plus the path from them to the root, plus the root tree node.
   */
  long dirtyNodes() {
    long n = 0;
    long fsLeaves = ceilDiv(fsItems(), fsItemsPerLeaf());
    long extLeaves = ceilDiv(fs.extents.size(), extentItemsPerLeaf());
    long csumLeaves = ceilDiv(fs.csums.size(), csumsPerLeaf());
    if (!fs.fsDirty.isEmpty()) {
      n += Math.min(Math.max(1, fsLeaves), fs.fsDirty.size()) + height(fsLeaves) - 1;
    }
    if (!fs.extDirty.isEmpty()) {
      n += Math.min(Math.max(1, extLeaves), fs.extDirty.size()) + height(extLeaves) - 1;
    }
    if (!fs.csumDirty.isEmpty()) {
      n += Math.min(Math.max(1, csumLeaves), fs.csumDirty.size()) + height(csumLeaves) - 1;
    }
    return n + 1;
  }
}
