package org.vfsim.btrfsish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FileType;

/**
 * The log tree fsync writes instead of a full commit ({@code tree-log.c}), and its replay at
 * mount. The log is a COW B+tree of its own, grown by each fsync of the running transaction;
 * an fsync writes its new nodes and then the superblock (PREFLUSH and FUA) naming the log's
 * root, as btrfs records {@code log_root} in the superblock. The next commit drops it. Callers
 * hold the fs lock.
 */
final class TreeLog {
  private final BtrfsFs fs;
  /** The log tree of the running transaction, or null if nothing was fsynced since the commit. */
  @Nullable Ctree log;
  /** Inodes logged in this transaction (their ancestors need not be logged twice). */
  private final Set<Long> logged = new HashSet<>();

  TreeLog(BtrfsFs fs) {
    this.fs = fs;
  }

  /**
   * fsync's log-tree path ({@code btrfs_log_inode}): after the data was written back, logs the
   * inode (item, file extent items, names; a directory's entries), the extents and checksums
   * its items need, and the new directories on its path; writes the log's new nodes, then the
   * superblock with PREFLUSH (the data and the nodes are durable first) and FUA.
   */
  void logInode(BtrfsInode inode) {
    if (fs.dead) {
      return;
    }
    // Log blocks an fsync replaces stay pinned until the commit; when the metadata space runs
    // short, fsync commits the transaction instead (btrfs's BTRFS_LOG_FORCE_COMMIT).
    if (fs.meta.unclaimed() < fs.meta.total / 4) {
      fs.counters.logForcedCommits++;
      fs.commitTransaction();
      return;
    }
    try {
      logTree(inode);
    } catch (org.vfsim.syscall.ErrnoException e) {
      if (e.errno() != org.vfsim.syscall.Errno.ENOSPC) {
        throw e;
      }
      fs.counters.logForcedCommits++;
      fs.commitTransaction();
    }
  }

  private void logTree(BtrfsInode inode) {
    if (log == null) {
      log = Ctree.create(fs.io, Key.LOG_TREE);
    }
    InodeItem item = inode.snapshot(inode.diskIsize());
    logOne(item);
    // btrfs_log_all_parents / log_new_ancestors: a directory created since the last commit
    // must be logged too, or the fsynced file would have no path after a replay.
    ArrayDeque<Long> todo = new ArrayDeque<>(item.links.keySet());
    while (!todo.isEmpty()) {
      long dir = todo.poll();
      if (fs.committedInos.contains(dir) || logged.contains(dir)) {
        continue;
      }
      BtrfsInode d = fs.inodes.get(dir);
      if (d == null) {
        continue;
      }
      InodeItem di = d.snapshot(d.size());
      logOne(di);
      todo.addAll(di.links.keySet());
    }
    List<ExtentBuffer> dirty = new ArrayList<>();
    log.dirtyNodes(dirty);
    int n = fs.io.writeNodes(dirty);
    fs.counters.logNodesWritten += n;
    fs.counters.metadataBlocksWritten += (long) n * fs.layout.nodeSize() / fs.device.blockSize();
    fs.counters.metadataBlocksWritten += fs.io.writeSupers(fs.superFor(log));
    fs.counters.logSyncs++;
  }

  private void logOne(InodeItem it) {
    Ctree t = log;
    long ino = it.ino;
    logged.add(ino);
    for (Key k : t.keys(Key.min(ino), Key.max(ino, Key.EXTENT_DATA))) {
      t.delete(k);
    }
    t.put(new Key(ino, Key.INODE_ITEM, 0), Items.inode(it));
    it.links.forEach((parent, names) -> t.put(new Key(ino, Key.INODE_REF, parent),
        Items.inodeRef(names)));
    for (Map.Entry<String, Long> e : it.entries.entrySet()) {
      BtrfsInode child = fs.inodes.get(e.getValue());
      FileType type = child == null ? FileType.REGULAR : child.type();
      t.put(new Key(ino, Key.DIR_INDEX, it.indexOf(e.getKey())),
          Items.dirIndex(e.getValue(), type, e.getKey()));
    }
    long run = (long) Items.CSUM_RUN * fs.sectorSize;
    for (Map.Entry<Long, FileExtentItem> e : it.items.entrySet()) {
      FileExtentItem fe = e.getValue();
      t.put(new Key(ino, Key.EXTENT_DATA, e.getKey()), Items.fileExtent(fe, fs.io.transid));
      t.put(new Key(fe.diskBytenr(), Key.EXTENT_ITEM, fe.diskNumBytes()),
          Items.extent(0, fs.io.transid));
      long phys = fe.diskByteAt(0);
      long end = phys + fe.numBytes();
      for (long r = Math.floorDiv(phys, run) * run; r < end; r += run) {
        var sub = fs.csums.subMap(Math.max(r, phys), Math.min(r + run, end));
        if (sub.isEmpty()) {
          continue;
        }
        Key k = new Key(Key.CSUM_OBJECTID, Key.EXTENT_CSUM, r);
        TreeMap<Long, Integer> merged = new TreeMap<>();
        byte[] old = t.lookup(k);
        if (old != null) {
          Items.decodeCsumRun(old, r, fs.sectorSize, merged);
        }
        merged.putAll(sub);
        t.put(k, Items.csumRun(merged, r, fs.sectorSize));
      }
    }
  }

  /**
   * {@code btrfs_del_inode_ref_in_log} and {@code btrfs_del_dir_entries_in_log}: a name removed
   * from a directory leaves the log too if the inode or the directory was logged in this
   * transaction, so that a later fsync's log cannot bring the name back (the change is written
   * with that log; until then the durable log still shows the state before the unlink).
   */
  void nameRemoved(long ino, long dir, String name, @Nullable Long index) {
    if (log == null) {
      return;
    }
    if (logged.contains(ino)) {
      Key k = new Key(ino, Key.INODE_REF, dir);
      byte[] ref = log.lookup(k);
      if (ref != null) {
        List<String> names = new ArrayList<>(Items.inodeRefNames(ref));
        names.remove(name);
        if (names.isEmpty()) {
          log.delete(k);
        } else {
          log.put(k, Items.inodeRef(names));
        }
      }
    }
    if (logged.contains(dir) && index != null) {
      log.delete(new Key(dir, Key.DIR_INDEX, index));
    }
  }

  /** At commit: the log is obsolete; its blocks are pinned until the commit's superblock. */
  void drop() {
    if (log != null) {
      log.dropAll();
      log = null;
    }
    logged.clear();
  }

  // ---- mount: reading the trees and replaying the log ----------------------------------------

  /** What a tree of inodes holds (the fs tree, or a log tree), decoded. */
  static final class State {
    final Map<Long, InodeItem> inodes = new HashMap<>();
    /** Log only: each logged inode's names, as name to parent. */
    final Map<Long, Map<String, Long>> names = new HashMap<>();
    final TreeMap<Long, DiskExtent> extents = new TreeMap<>();
    final TreeMap<Long, Integer> csums = new TreeMap<>();
  }

  /** Decodes every item of {@code t} (fs tree or log tree) into {@code s}. */
  static void read(Ctree t, State s, int sectorSize) {
    t.scan(Key.min(0), Key.max(-1L, 255), (k, v) -> {
      switch (k.type()) {
        case Key.INODE_ITEM -> s.inodes.put(k.objectid(), Items.inode(k.objectid(), v));
        case Key.INODE_REF -> {
          Map<String, Long> m = s.names.computeIfAbsent(k.objectid(), x -> new HashMap<>());
          Items.inodeRefNames(v).forEach(n -> m.put(n, k.offset()));
        }
        case Key.DIR_INDEX -> {
          InodeItem dir = item(s, k);
          String name = Items.dirIndexName(v);
          dir.entries.put(name, Items.dirIndexChild(v));
          dir.entryIndex.put(name, k.offset());
          dir.nextIndex = Math.max(dir.nextIndex, k.offset() + 1);
        }
        case Key.EXTENT_DATA -> item(s, k).items.put(k.offset(), Items.fileExtent(v));
        case Key.EXTENT_ITEM -> s.extents.put(k.objectid(), new DiskExtent(k.objectid(),
            k.offset()));
        case Key.EXTENT_CSUM -> Items.decodeCsumRun(v, k.offset(), sectorSize, s.csums);
        default -> throw org.vfsim.syscall.Errno.EUCLEAN.exception(
            "btrfsish: unexpected item " + k + " in tree " + t.owner);
      }
    });
  }

  private static InodeItem item(State s, Key k) {
    InodeItem i = s.inodes.get(k.objectid());
    if (i == null) {
      throw org.vfsim.syscall.Errno.EUCLEAN.exception(
          "btrfsish: item " + k + " before its inode item");
    }
    return i;
  }

  /**
   * {@code btrfs_recover_log_trees}: each logged inode replaces the committed one (item, extent
   * items, a directory's entries), its names are added to their directories, the extents and
   * checksums its items need are added; entries naming inodes neither holds are dropped.
   */
  static void replay(State root, State log) {
    root.inodes.putAll(log.inodes);
    log.names.forEach((ino, links) -> links.forEach((name, parent) -> {
      InodeItem dir = root.inodes.get(parent);
      if (dir != null && dir.type == FileType.DIRECTORY) {
        dir.entries.put(name, ino);
      }
    }));
    log.extents.forEach((bytenr, e) -> root.extents.computeIfAbsent(bytenr,
        b -> new DiskExtent(b, e.numBytes)));
    root.csums.putAll(log.csums);
    for (InodeItem dir : root.inodes.values()) {
      dir.entries.values().removeIf(ino -> !root.inodes.containsKey(ino));
    }
  }
}
