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
 * The running transaction and its commit ({@code transaction.c}): makes the trees durable,
 * then returns pinned space. Callers hold the fs lock unless a method says otherwise.
 */
final class Transaction {
  private final BtrfsFs fs;

  Transaction(BtrfsFs fs) {
    this.fs = fs;
  }

  void periodicCommit() {
    synchronized (fs) {
      if (fs.dead) {
        fs.commitTimer.cancel();
        return;
      }
    }
    commitTransaction();
  }

  /**
   * {@code btrfs_commit_transaction}: writes the COWed tree nodes, flushes the device so that
   * every data block the new roots reference is durable, stores the new roots and writes the
   * superblock with FUA. Pinned extents become free; the log tree is obsolete.
   */
  void commitTransaction() {
    if (fs.dead) {
      return;
    }
    long nodes = fs.ctree.dirtyNodes();
    fs.ctree.writeMetadataNodes(nodes);
    fs.device.flush();
    CommitRoot root = new CommitRoot();
    root.generation = fs.generation + 1;
    root.nextIno = fs.nextIno;
    root.layout = fs.layout;
    for (BtrfsInode i : fs.inodes.values()) {
      root.inodes.put(i.ino(), i.snapshot(i.diskIsize()));
    }
    root.extents = fs.extents;
    root.csums = fs.csums;
    fs.device.storeObject(CommitRoot.KEY, root);
    fs.device.writeMetadata(fs.layout.superBytenr() / fs.device.blockSize(), fs.devBlocksPerSector, true);
    fs.counters.metadataBlocksWritten += fs.devBlocksPerSector;
    fs.committedInos.clear();
    fs.committedInos.addAll(fs.inodes.keySet());
    fs.device.removeObject(LogTree.KEY);
    fs.log = null;
    fs.generation++;
    for (long[] p : fs.pinned) {
      fs.freeSpace.add(p[0], p[1]);
      fs.data.pinned -= p[1];
    }
    fs.pinned.clear();
    fs.fsDirty.clear();
    fs.extDirty.clear();
    fs.delayedRefs.clear(); // btrfs_run_delayed_refs at commit
    fs.csumDirty.clear();
    fs.fsDirtyItems = 0;
    fs.meta.used = Math.min(fs.meta.total, fs.ctree.metadataNodes() * fs.layout.nodeSize());
    fs.counters.commits++;
  }
}
