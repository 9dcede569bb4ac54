package org.vfsim.xfsish;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vfsim.block.BufferHead;

/**
 * The committed item list ({@code xfs_log_cil.c} with the item formatters of {@code
 * xfs_inode_item.c} and {@code xfs_buf_item.c}): which inodes, AG headers and trees the
 * transactions since the last checkpoint changed, and, at a log force, their new block images -
 * only blocks whose bytes changed (CRC and LSN aside) are logged. Called with the superblock's
 * monitor held.
 */
final class Cil {
  private final XfsSuperBlock sb;
  private final TreeSet<Long> inodes = new TreeSet<>();
  private final TreeSet<Integer> agf = new TreeSet<>();
  private final TreeSet<Integer> agi = new TreeSet<>();
  private final TreeSet<Long> cancels = new TreeSet<>();
  /** Blocks allocated since the last checkpoint: their old content does not matter. */
  private final Set<Long> fresh = new HashSet<>();
  private boolean formatting;

  Cil(XfsSuperBlock sb) {
    this.sb = sb;
  }

  boolean formatting() {
    return formatting;
  }

  void dirtyInode(XfsInode ip, boolean data) {
    inodes.add(ip.ino());
    ip.cilSeq = sb.log.currentSeq();
    if (data) {
      ip.cilData = true;
    }
  }

  void dirtyIno(long ino) {
    inodes.add(ino);
  }

  /** Inodes {@code [from, to)} are gone with their freed chunk: nothing of them is logged. */
  void dropInodes(long from, long to) {
    inodes.subSet(from, to).clear();
  }

  void dirtyAgf(int a) {
    agf.add(a);
  }

  void dirtyAgi(int a) {
    agi.add(a);
  }

  void cancel(long b) {
    cancels.add(b);
  }

  void newBlock(long b) {
    fresh.add(b);
    cancels.remove(b);
  }

  /** Whether the inode's last change (a data change, with {@code datasync}) is not yet logged. */
  boolean holds(XfsInode ip, boolean datasync) {
    return ip.cilSeq == sb.log.currentSeq() && inodes.contains(ip.ino())
        && (!datasync || ip.cilData);
  }

  /** An upper bound of the next checkpoint's blocks, for the background push. */
  int estimate() {
    int perBlock = sb.bs / InodeBuf.ISIZE;
    int n = inodes.size() / perBlock + 1 + cancels.size();
    for (long ino : inodes) {
      XfsInode ip = sb.inode(ino);
      if (ip != null) {
        n += ip.bmbt.size() + (ip.dir == null ? 0 : ip.dir.dirty.size());
      }
    }
    for (int a : agf) {
      AllocGroup ag = sb.ag(a);
      n += 3 + ag.bnoBlocks.size() + ag.cntBlocks.size();
    }
    for (int a : agi) {
      n += 2 + sb.ag(a).inoBlocks.size();
    }
    return n;
  }

  /**
   * The xlog_cil_push: formats the dirty items, writes them as one checkpoint, hands the
   * buffers to the AIL (dirty in the buffer cache, written in place later) and frees the
   * extents the checkpoint made free. Returns whether a checkpoint was written.
   */
  boolean push() {
    Map<Long, byte[]> items = format();
    if (items.isEmpty() && inodes.isEmpty() && agf.isEmpty() && agi.isEmpty()) {
      return false;
    }
    long seq = sb.log.currentSeq();
    long done = seq - 1;
    boolean wrote = false;
    if (!items.isEmpty()) {
      long before = sb.log.blocksWritten();
      done = sb.log.writeCheckpoint(items);
      sb.count(Counter.LOG_FORCES, 1);
      sb.count(Counter.LOG_BLOCKS_WRITTEN, sb.log.blocksWritten() - before);
      for (Map.Entry<Long, byte[]> e : items.entrySet()) {
        if (e.getValue() != null) {
          BufferHead bh = sb.cache.getblk(e.getKey());
          System.arraycopy(e.getValue(), 0, bh.data(), 0, sb.bs);
          bh.markDirty();
          bh.release();
        }
      }
      wrote = true;
    }
    for (long ino : inodes) {
      XfsInode ip = sb.inode(ino);
      if (ip != null) {
        ip.cilData = false;
      }
    }
    inodes.clear();
    agf.clear();
    agi.clear();
    cancels.clear();
    fresh.clear();
    sb.busyDone(done);
    return wrote;
  }

  /** Formats every dirty item: home block to its new image (null: cancelled). */
  Map<Long, byte[]> format() {
    formatting = true;
    try {
      long lsn = sb.log.currentSeq();
      Map<Long, byte[]> items = new LinkedHashMap<>();
      Map<Long, byte[]> editing = new HashMap<>();
      for (long ino : inodes) {
        formatInode(ino, lsn, items, editing);
      }
      for (int a : new TreeSet<>(agi)) {
        AllocGroup ag = sb.ag(a);
        fit(ag, ag.inoBlocks, Btree.INO, ag.chunks.size());
        Map<Long, byte[]> out = new LinkedHashMap<>();
        XfsMount.agiImages(ag, sb.bs, lsn, sb.nextAgino[a], out);
        changed(out, items);
      }
      for (int a : new TreeSet<>(agf)) {
        AllocGroup ag = sb.ag(a);
        TreeMap<Long, Long> free = null;
        for (int iter = 0; iter < 64; iter++) {
          free = onDiskFree(ag);
          boolean c = fit(ag, ag.bnoBlocks, Btree.BNO, free.size());
          c |= fit(ag, ag.cntBlocks, Btree.CNT, free.size());
          if (!c) {
            break;
          }
        }
        Map<Long, byte[]> out = new LinkedHashMap<>();
        XfsMount.agfImages(ag, sb.bs, lsn, onDiskFree(ag), out);
        changed(out, items);
      }
      for (long b : cancels) {
        items.putIfAbsent(b, null);
      }
      return items;
    } finally {
      formatting = false;
    }
  }

  /** Sizes an AG tree's non-root blocks for {@code n} records; true if it changed any. */
  private boolean fit(AllocGroup ag, List<Long> blocks, Btree.Kind k, int n) {
    int need = Btree.blocksNeeded(k, sb.bs, n, 0) - 1;
    boolean changed = false;
    while (blocks.size() < need) {
      blocks.add(sb.allocAgMeta(ag));
      changed = true;
    }
    while (blocks.size() > need) {
      sb.freeMeta(blocks.remove(blocks.size() - 1));
      changed = true;
    }
    return changed;
  }

  /** Free space as the checkpoint records it: the allocator's free extents plus busy ones. */
  TreeMap<Long, Long> onDiskFree(AllocGroup ag) {
    TreeMap<Long, Long> free = new TreeMap<>(ag.bno);
    for (ExtentBusy.Busy b : sb.busy.all()) {
      if (!ag.contains(b.start())) {
        continue;
      }
      long s = b.start();
      long l = b.len();
      Map.Entry<Long, Long> lo = free.floorEntry(s);
      if (lo != null && lo.getKey() + lo.getValue() == s) {
        free.remove(lo.getKey());
        s = lo.getKey();
        l += lo.getValue();
      }
      Long hi = free.get(s + l);
      if (hi != null) {
        free.remove(s + l);
        l += hi;
      }
      free.put(s, l);
    }
    return free;
  }

  /** Adds the images whose bytes differ from the block's current content to {@code items}. */
  private void changed(Map<Long, byte[]> images, Map<Long, byte[]> items) {
    for (Map.Entry<Long, byte[]> e : images.entrySet()) {
      if (fresh.contains(e.getKey()) || differs(current(e.getKey()), e.getValue())) {
        items.put(e.getKey(), e.getValue());
      }
    }
  }

  private byte[] current(long b) {
    BufferHead bh = sb.cache.bread(b);
    try {
      return bh.data().clone();
    } finally {
      bh.release();
    }
  }

  /** Whether two block images differ other than in their CRC and LSN. */
  static boolean differs(byte[] a, byte[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((i >= XfsBuf.CRC && i < XfsBuf.CRC + 4) || (i >= XfsBuf.LSN && i < XfsBuf.LSN + 8)) {
        continue;
      }
      if (a[i] != b[i]) {
        return true;
      }
    }
    return false;
  }

  private void formatInode(long ino, long lsn, Map<Long, byte[]> items,
      Map<Long, byte[]> editing) {
    long[] loc = sb.inodeLocation(ino);
    long blkno = loc[0];
    int off = (int) loc[1];
    byte[] blk = items.get(blkno);
    if (blk == null) {
      blk = editing.get(blkno);
    }
    if (blk == null) {
      blk = fresh.contains(blkno) ? new byte[sb.bs] : current(blkno);
      editing.put(blkno, blk);
    }
    byte[] di = new byte[InodeBuf.ISIZE];
    XfsInode ip = sb.inode(ino);
    if (ip == null) {
      InodeBuf.encodeFree(ino, blkno, di, 0);
    } else {
      InodeItem.format(ip, sb.bs, lsn, blkno, di, this, items);
    }
    if (fresh.contains(blkno) || InodeBuf.differs(di, 0, blk, off)) {
      System.arraycopy(di, 0, blk, off, InodeBuf.ISIZE);
      items.put(blkno, blk);
    }
  }

  /** For inode formatters: bmbt and directory block images, logged where they changed. */
  void blockImages(Map<Long, byte[]> images, Map<Long, byte[]> items) {
    changed(images, items);
  }
}
