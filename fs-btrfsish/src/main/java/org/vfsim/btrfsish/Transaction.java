package org.vfsim.btrfsish;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The running transaction and its commit ({@code transaction.c}). Changes are kept in memory as
 * delayed items (btrfs's delayed inodes, delayed refs and pending checksums) and applied to the
 * trees at commit, each change copying the path from its leaf to the root; the commit then
 * writes the new nodes, then the superblock with PREFLUSH and FUA, and only then returns pinned
 * space. Callers hold the fs lock unless a method says otherwise.
 */
final class Transaction {
  private final BtrfsFs fs;
  /** Set after a log replay or orphan cleanup: the next commit compares every item. */
  boolean resyncAll;

  Transaction(BtrfsFs fs) {
    this.fs = fs;
  }

  /**
   * The periodic commit on the simulated clock (the transaction kthread); takes the fs lock. A
   * mount the machine no longer holds (a power cut remounted the device, or the mount never got
   * attached) is dead: its kthread would have died with the old kernel, so it stops here.
   */
  void periodicCommit() {
    synchronized (fs) {
      if (!fs.dead && !fs.stillMounted()) {
        fs.kill();
      }
      if (fs.dead) {
        fs.commitTimer.cancel();
        return;
      }
      commitTransaction();
    }
  }

  /**
   * {@code btrfs_commit_transaction}: runs the delayed items into the fs, extent and checksum
   * trees, records their roots in the root tree, drops the log tree, writes every node changed
   * in this transaction, then the superblock (PREFLUSH, FUA) so that every data block and node
   * the new roots reference is durable before it. Pinned data extents and tree blocks become
   * free; the log tree is obsolete.
   */
  void commitTransaction() {
    if (fs.dead) {
      return;
    }
    if (resyncAll) {
      syncEverything();
      resyncAll = false;
    } else {
      runDelayedItems();
    }
    fs.treeRoot.put(new Key(Key.FS_TREE, Key.ROOT_ITEM, 0), Items.root(fs.fsRoot.root));
    fs.treeRoot.put(new Key(Key.EXTENT_TREE, Key.ROOT_ITEM, 0), Items.root(fs.extentRoot.root));
    fs.treeRoot.put(new Key(Key.CSUM_TREE, Key.ROOT_ITEM, 0), Items.root(fs.csumRoot.root));
    fs.treeLog.drop();
    List<ExtentBuffer> dirty = new ArrayList<>();
    fs.treeRoot.dirtyNodes(dirty);
    fs.fsRoot.dirtyNodes(dirty);
    fs.extentRoot.dirtyNodes(dirty);
    fs.csumRoot.dirtyNodes(dirty);
    int n = fs.io.writeNodes(dirty);
    fs.counters.treeNodesWritten += n;
    fs.counters.lastCommitNodes = n;
    fs.counters.metadataBlocksWritten += (long) n * fs.layout.nodeSize() / fs.device.blockSize();
    fs.generation = fs.io.transid;
    fs.committedRoot = fs.treeRoot.root.bytenr;
    fs.committedRootLevel = fs.treeRoot.root.level;
    fs.counters.metadataBlocksWritten += fs.io.writeSupers(fs.superFor(null));
    fs.io.transid = fs.generation + 1;
    fs.io.unpin();
    fs.committedInos.clear();
    fs.committedInos.addAll(fs.inodes.keySet());
    for (long[] p : fs.pinned) {
      fs.freeSpace.add(p[0], p[1]);
      fs.data.pinned -= p[1];
    }
    fs.pinned.clear();
    fs.delayedRefs.clear(); // btrfs_run_delayed_refs at commit
    fs.counters.commits++;
  }

  /** Applies exactly the items changed since the last commit. */
  private void runDelayedItems() {
    for (BtrfsInode i : fs.inodes.values()) {
      InodeItem it = i.snapshot(i.diskIsize());
      byte[] enc = Items.inode(it);
      if (!Arrays.equals(enc, it.committed)) {
        fs.fsRoot.put(new Key(it.ino, Key.INODE_ITEM, 0), enc);
        it.committed = enc;
      }
    }
    for (long ino : fs.deadInos) {
      if (!fs.inodes.containsKey(ino)) {
        syncRange(fs.fsRoot, Key.min(ino), Key.max(ino, 255), new TreeMap<>());
      }
    }
    for (Key k : fs.dirtyFsKeys) {
      BtrfsInode i = fs.inodes.get(k.objectid());
      FileExtentItem it = i == null ? null : i.item.items.get(k.offset());
      if (it == null) {
        fs.fsRoot.delete(k);
      } else {
        fs.fsRoot.put(k, Items.fileExtent(it, fs.io.transid));
      }
    }
    for (BtrfsFs.DirName d : fs.dirtyNames) {
      BtrfsInode dir = fs.inodes.get(d.dir());
      if (dir == null) {
        continue;
      }
      Long child = dir.item.entries.get(d.name());
      if (child != null) {
        BtrfsInode c = fs.inodes.get(child);
        fs.fsRoot.put(new Key(d.dir(), Key.DIR_INDEX, dir.item.indexOf(d.name())),
            Items.dirIndex(child, c.type(), d.name()));
      } else {
        Long idx = dir.item.entryIndex.remove(d.name());
        if (idx != null) {
          fs.fsRoot.delete(new Key(d.dir(), Key.DIR_INDEX, idx));
        }
      }
    }
    for (long bytenr : fs.dirtyExtents) {
      syncRange(fs.extentRoot, Key.min(bytenr), Key.max(bytenr, 255), extentItems(bytenr));
    }
    long run = (long) Items.CSUM_RUN * fs.sectorSize;
    for (long r : fs.dirtyCsums) {
      SortedMap<Long, Integer> sub = fs.csums.subMap(r, r + run);
      Key k = new Key(Key.CSUM_OBJECTID, Key.EXTENT_CSUM, r);
      if (sub.isEmpty()) {
        fs.csumRoot.delete(k);
      } else {
        fs.csumRoot.put(k, Items.csumRun(sub, r, fs.sectorSize));
      }
    }
    fs.clearDirty();
  }

  /** The extent tree items of one data extent: its extent item and its data backrefs. */
  private SortedMap<Key, byte[]> extentItems(long bytenr) {
    TreeMap<Key, byte[]> want = new TreeMap<>();
    DiskExtent e = fs.extents.get(bytenr);
    if (e != null) {
      want.put(new Key(bytenr, Key.EXTENT_ITEM, e.numBytes),
          Items.extent(e.refCount(), e.generation));
      Items.dataRefs(e.refs).forEach((h, v) -> want.put(new Key(bytenr, Key.EXTENT_DATA_REF, h),
          v));
    }
    return want;
  }

  /** Makes the items of {@code t} in {@code [lo, hi]} exactly {@code want}. */
  static void syncRange(Ctree t, Key lo, Key hi, SortedMap<Key, byte[]> want) {
    TreeMap<Key, byte[]> have = new TreeMap<>();
    t.scan(lo, hi, have::put);
    for (Key k : have.keySet()) {
      if (!want.containsKey(k)) {
        t.delete(k);
      }
    }
    want.forEach(t::put);
  }

  /** After a log replay or orphan cleanup: every tree is made to match memory, item by item. */
  private void syncEverything() {
    TreeMap<Key, byte[]> fsItems = new TreeMap<>();
    for (BtrfsInode i : fs.inodes.values()) {
      InodeItem it = i.snapshot(i.diskIsize());
      it.committed = Items.inode(it);
      fsItems.put(new Key(it.ino, Key.INODE_ITEM, 0), it.committed);
      for (Map.Entry<String, Long> e : it.entries.entrySet()) {
        BtrfsInode c = fs.inodes.get(e.getValue());
        fsItems.put(new Key(it.ino, Key.DIR_INDEX, it.indexOf(e.getKey())),
            Items.dirIndex(e.getValue(), c.type(), e.getKey()));
      }
      it.entryIndex.keySet().retainAll(it.entries.keySet());
      it.items.forEach((k, fe) -> fsItems.put(new Key(it.ino, Key.EXTENT_DATA, k),
          Items.fileExtent(fe, fs.io.transid)));
    }
    syncRange(fs.fsRoot, Key.min(0), Key.max(-1L, 255), fsItems);
    TreeMap<Key, byte[]> ext = new TreeMap<>();
    for (long b : fs.extents.keySet()) {
      ext.putAll(extentItems(b));
    }
    syncRange(fs.extentRoot, Key.min(0), Key.max(-1L, 255), ext);
    TreeMap<Key, byte[]> cs = new TreeMap<>();
    long run = (long) Items.CSUM_RUN * fs.sectorSize;
    TreeMap<Long, TreeMap<Long, Integer>> runs = new TreeMap<>();
    fs.csums.forEach((at, crc) -> runs.computeIfAbsent(Math.floorDiv(at, run) * run,
        r -> new TreeMap<>()).put(at, crc));
    runs.forEach((r, m) -> cs.put(new Key(Key.CSUM_OBJECTID, Key.EXTENT_CSUM, r),
        Items.csumRun(m, r, fs.sectorSize)));
    syncRange(fs.csumRoot, Key.min(0), Key.max(-1L, 255), cs);
    fs.clearDirty();
  }
}
