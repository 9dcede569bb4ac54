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
 * The log tree fsync writes instead of a full commit ({@code tree-log.c}), and its replay at
 * mount. Callers hold the fs lock.
 */
final class TreeLog {
  private final BtrfsFs fs;

  TreeLog(BtrfsFs fs) {
    this.fs = fs;
  }

  /**
   * fsync's log-tree path ({@code btrfs_log_inode}): after the data was written back, logs the
   * inode, its file extent items, the extents and checksums they need and its names, flushes
   * the device (the data first) and makes the log durable; a power cut replays it.
   */
  void logInode(BtrfsInode inode) {
    if (fs.dead) {
      return;
    }
    if (fs.log == null) {
      fs.log = new LogTree();
      fs.log.parentGeneration = fs.generation;
    }
    InodeItem copy = inode.snapshot(inode.diskIsize()).copy();
    fs.log.inodes.put(inode.ino(), copy);
    fs.log.names.put(inode.ino(), linksOf(inode.ino()));
    // btrfs_log_all_parents / log_new_ancestors: a directory created since the last commit
    // must be logged too, or the fsynced file would have no path after a replay.
    java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(fs.log.names.get(inode.ino()).values());
    while (!todo.isEmpty()) {
      long dir = todo.poll();
      if (fs.committedInos.contains(dir) || fs.log.inodes.containsKey(dir)) {
        continue;
      }
      BtrfsInode d = fs.inodes.get(dir);
      if (d == null) {
        continue;
      }
      fs.log.inodes.put(dir, d.snapshot(d.size()).copy());
      Map<String, Long> up = linksOf(dir);
      fs.log.names.put(dir, up);
      todo.addAll(up.values());
    }
    long csumCount = 0;
    for (FileExtentItem it : copy.items.values()) {
      fs.log.extents.put(it.diskBytenr(), it.diskNumBytes());
      long phys = it.diskByteAt(0);
      Map<Long, Integer> sub = fs.csums.subMap(phys, phys + it.numBytes());
      fs.log.csums.putAll(sub);
      csumCount += sub.size();
    }
    fs.device.flush();
    long leaves = Ctree.ceilDiv(copy.items.size() + 2, fs.ctree.fsItemsPerLeaf())
        + Ctree.ceilDiv(csumCount, fs.ctree.csumsPerLeaf());
    fs.ctree.writeMetadataNodes(leaves);
    fs.device.storeObject(LogTree.KEY, fs.log);
    fs.device.writeMetadata(fs.layout.superBytenr() / fs.device.blockSize(), fs.devBlocksPerSector, true);
    fs.counters.metadataBlocksWritten += fs.devBlocksPerSector;
    fs.counters.logSyncs++;
  }

  /** The names (directory entries) that link {@code ino}, as name to parent. */
  Map<String, Long> linksOf(long ino) {
    Map<String, Long> links = new HashMap<>();
    for (BtrfsInode dir : fs.inodes.values()) {
      if (dir.isDirectory()) {
        dir.item.entries.forEach((name, child) -> {
          if (child == ino) {
            links.put(name, dir.ino());
          }
        });
      }
    }
    return links;
  }

  static void replayLog(CommitRoot root, LogTree log) {
    root.inodes.putAll(log.inodes);
    log.names.forEach((ino, links) -> links.forEach((name, parent) -> {
      InodeItem dir = root.inodes.get(parent);
      if (dir != null && dir.type == FileType.DIRECTORY) {
        dir.entries.put(name, ino);
      }
    }));
    log.extents.forEach((bytenr, len) -> root.extents.computeIfAbsent(bytenr,
        b -> new DiskExtent(b, len)));
    root.csums.putAll(log.csums);
    // A logged directory may name children that neither the commit nor the log holds.
    for (InodeItem dir : root.inodes.values()) {
      dir.entries.values().removeIf(ino -> !root.inodes.containsKey(ino));
    }
  }
}
