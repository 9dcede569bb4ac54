package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.util.Map;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.block.IoKind;
import org.vfsim.block.RequestFlag;
import org.vfsim.syscall.Errno;

/**
 * The circular write-ahead log ({@code xfs_log.c}, {@code xfs_log_cil.c} push, {@code
 * xfs_trans_ail.c}): a checkpoint is descriptor blocks naming the home blocks it logs, their
 * images, and a commit record with the CRC32C of all of it written with PREFLUSH|FUA. Logged
 * buffers stay dirty in the buffer cache (the AIL) and are written in place only after their
 * checkpoint is on disk; the log tail moves past a checkpoint only once its buffers are written
 * back and flushed, and a small cover checkpoint records the new tail before the space behind
 * the old one is reused (so a torn checkpoint never overwrites one recovery still needs).
 */
final class XfsLog {
  static final int DESC_SEQ = XfsBuf.HDR;
  static final int DESC_INDEX = XfsBuf.HDR + 8;
  static final int DESC_COUNT = XfsBuf.HDR + 12;
  static final int DESC_ITEMS = XfsBuf.HDR + 16;
  static final int DESC_IMAGES = XfsBuf.HDR + 20;
  static final int DESC_TAILSEQ = XfsBuf.HDR + 24;
  static final int DESC_TAILPOS = XfsBuf.HDR + 32;
  static final int DESC_HOMES = XfsBuf.HDR + 40;
  /** A descriptor entry with this bit set cancels its home block: no image follows. */
  static final long CANCEL = 1L << 63;
  static final int COMMIT_SEQ = XfsBuf.HDR;
  static final int COMMIT_TOTAL = XfsBuf.HDR + 8;
  static final int COMMIT_CRC = XfsBuf.HDR + 12;
  /** Blocks a cover checkpoint takes (one descriptor, no items, the commit). */
  static final int COVER = 2;

  private final BlockDevice dev;
  private final BufferCache cache;
  private final int bs;
  final long logStart;
  final long logBlocks;
  /** The sequence (LSN) the next checkpoint gets. */
  private long seq;
  private long headPos;
  /** The tail the last checkpoint on disk recorded: recovery starts there. */
  private long diskTailPos;
  /** The tail in memory: everything before it is written back and flushed. */
  private long memTailSeq;
  private long memTailPos;
  private long blocksWritten;
  private long checkpoints;

  XfsLog(BlockDevice dev, BufferCache cache, long logStart, long logBlocks, long nextSeq,
      long headPos, long diskTailPos) {
    this.dev = dev;
    this.cache = cache;
    this.bs = cache.blockSize();
    this.logStart = logStart;
    this.logBlocks = logBlocks;
    this.seq = nextSeq;
    this.headPos = headPos;
    this.diskTailPos = diskTailPos;
    this.memTailSeq = nextSeq;
    this.memTailPos = headPos;
  }

  /** The LSN the checkpoint being gathered will have. */
  long currentSeq() {
    return seq;
  }

  /** The next log block (relative to the log's start) a checkpoint goes to. */
  long headPos() {
    return headPos;
  }

  long blocksWritten() {
    return blocksWritten;
  }

  long checkpoints() {
    return checkpoints;
  }

  int homesPerDesc() {
    return (bs - DESC_HOMES) / 8;
  }

  int checkpointBlocks(Map<Long, byte[]> items) {
    int per = homesPerDesc();
    int images = (int) items.values().stream().filter(v -> v != null).count();
    return Math.max(1, (items.size() + per - 1) / per) + images + 1;
  }

  /** The largest checkpoint that can ever be written, keeping room for a cover. */
  long maxCheckpointBlocks() {
    return logBlocks - 2 * COVER;
  }

  private long used() {
    return Math.floorMod(headPos - diskTailPos, logBlocks);
  }

  /**
   * Writes one checkpoint of {@code items} (home block to image, or to null to cancel the
   * block: freed, recovery must not replay older images of it) and returns its sequence.
   * Makes room first: pushes the AIL and covers the log when the space behind the tail on disk
   * is too short.
   */
  long writeCheckpoint(Map<Long, byte[]> items) {
    int total = checkpointBlocks(items);
    if (total > maxCheckpointBlocks()) {
      throw Errno.ENOSPC.exception("xfsish: a checkpoint of " + total + " blocks does not fit"
          + " the log of " + logBlocks + " blocks");
    }
    if (total + COVER > logBlocks - used()) {
      if (memTailPos != headPos) {
        pushAil();
      }
      writeRaw(Map.of());
    }
    return writeRaw(items);
  }

  /** Writes an empty checkpoint recording the tail as it is in memory (log covering). */
  void cover() {
    writeRaw(Map.of());
  }

  private long writeRaw(Map<Long, byte[]> items) {
    int per = homesPerDesc();
    int n = items.size();
    int ndesc = Math.max(1, (n + per - 1) / per);
    int images = (int) items.values().stream().filter(v -> v != null).count();
    int total = ndesc + images + 1;
    long s = seq++;
    long start = headPos;
    byte[] all = new byte[(total - 1) * bs];
    ByteBuffer a = XfsBuf.le(all);
    Long[] homes = items.keySet().toArray(new Long[0]);
    for (int d = 0; d < ndesc; d++) {
      int at = d * bs;
      a.putLong(at + DESC_SEQ, s).putInt(at + DESC_INDEX, d).putInt(at + DESC_COUNT, ndesc)
          .putInt(at + DESC_ITEMS, n).putInt(at + DESC_IMAGES, images)
          .putLong(at + DESC_TAILSEQ, memTailSeq)
          .putLong(at + DESC_TAILPOS, memTailPos);
      for (int k = d * per, j = 0; k < Math.min(n, (d + 1) * per); k++, j++) {
        long flag = items.get(homes[k]) == null ? CANCEL : 0;
        a.putLong(at + DESC_HOMES + 8 * j, homes[k] | flag);
      }
      byte[] blk = new byte[bs];
      System.arraycopy(all, at, blk, 0, bs);
      XfsBuf.stamp(blk, XfsBuf.LOG_DESC_MAGIC, logStart + pos(start + d), XfsBuf.OWNER_FS, s);
      System.arraycopy(blk, 0, all, at, bs);
    }
    int img = 0;
    for (int k = 0; k < n; k++) {
      byte[] image = items.get(homes[k]);
      if (image != null) {
        System.arraycopy(image, 0, all, (ndesc + img++) * bs, bs);
      }
    }
    byte[] commit = new byte[bs];
    XfsBuf.le(commit).putLong(COMMIT_SEQ, s).putInt(COMMIT_TOTAL, total)
        .putInt(COMMIT_CRC, XfsBuf.crc(all, 0, all.length));
    XfsBuf.stamp(commit, XfsBuf.LOG_COMMIT_MAGIC, logStart + pos(start + total - 1),
        XfsBuf.OWNER_FS, s);
    // Descriptors and images as plain writes, wrapping at the end of the log area.
    long p = start;
    int done = 0;
    while (done < total - 1) {
      int run = (int) Math.min(total - 1 - done, logBlocks - pos(p));
      dev.write(logStart + pos(p), all, done * bs, run, IoKind.METADATA, false);
      done += run;
      p += run;
    }
    // The commit record: PREFLUSH puts the images (and the data before them) on media first,
    // FUA makes the commit durable when the write returns.
    dev.write(logStart + pos(start + total - 1), commit, 0, 1, IoKind.METADATA,
        RequestFlag.PREFLUSH, RequestFlag.FUA);
    headPos = pos(start + total);
    diskTailPos = memTailPos;
    blocksWritten += total;
    checkpoints++;
    return s;
  }

  private long pos(long p) {
    return Math.floorMod(p, logBlocks);
  }

  /**
   * The AIL push: every logged buffer written in place, then a cache flush; the tail then
   * moves to the head (recorded on disk by the next checkpoint).
   */
  int pushAil() {
    int n = cache.writeDirty();
    dev.flush();
    memTailSeq = seq;
    memTailPos = headPos;
    return n;
  }
}
