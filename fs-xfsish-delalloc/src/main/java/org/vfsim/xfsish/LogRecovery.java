package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.util.TreeMap;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.block.BufferHead;
import org.vfsim.block.IoKind;

/**
 * Log recovery at mount ({@code xfs_log_recover.c}): scans the log area for checkpoints whose
 * descriptors and commit record verify, takes the one with the highest sequence as the head,
 * and replays every checkpoint from the tail it recorded up to it, in order, by writing the
 * logged images over their home blocks. A checkpoint without a valid commit record (a power
 * cut while it was written) is not complete and is ignored; replay stops at the last complete
 * one.
 */
final class LogRecovery {
  /** One complete checkpoint found in the log. */
  record Checkpoint(long seq, long pos, int ndesc, int nitems, int nimages, long tailSeq,
      long tailPos) {
    int total() {
      return ndesc + nimages + 1;
    }
  }

  /** What recovery found: where the next checkpoint goes and how many it replayed. */
  record Result(long nextSeq, long headPos, long tailPos, int replayed, int blocksReplayed) {}

  private LogRecovery() {}

  static Result recover(BlockDevice dev, BufferCache cache, long logStart, long logBlocks) {
    int bs = cache.blockSize();
    byte[] log = new byte[(int) (logBlocks * bs)];
    int dpb = bs / dev.blockSize();
    dev.read(logStart * dpb, log, 0, (int) logBlocks * dpb, IoKind.METADATA);
    TreeMap<Long, Checkpoint> found = new TreeMap<>();
    for (long p = 0; p < logBlocks; p++) {
      Checkpoint c = checkpointAt(log, bs, logStart, logBlocks, p);
      if (c != null) {
        found.put(c.seq, c);
      }
    }
    if (found.isEmpty()) {
      throw XfsBuf.corrupt(logStart, "log", "holds no complete checkpoint: no log head");
    }
    Checkpoint head = found.lastEntry().getValue();
    int replayed = 0;
    long expectPos = head.tailPos;
    // The latest event per home block, in log order: an image, or a cancel (freed).
    java.util.Map<Long, Long> latest = new java.util.HashMap<>();
    ByteBuffer b = XfsBuf.le(log);
    int per = (bs - XfsLog.DESC_HOMES) / 8;
    for (long s = head.tailSeq; s <= head.seq; s++) {
      Checkpoint c = found.get(s);
      if (c == null || c.pos != expectPos) {
        throw XfsBuf.corrupt(logStart + expectPos, "log", "lacks checkpoint " + s
            + " between the tail (" + head.tailSeq + ") and the head (" + head.seq + ")");
      }
      int img = 0;
      for (int k = 0; k < c.nitems; k++) {
        long descPos = Math.floorMod(c.pos + k / per, logBlocks);
        long entry = b.getLong((int) (descPos * bs) + XfsLog.DESC_HOMES + 8 * (k % per));
        long home = entry & ~XfsLog.CANCEL;
        if (home >= cache.blocks()) {
          throw XfsBuf.corrupt(logStart + descPos, "log", "logs block " + home
              + " outside the device");
        }
        if ((entry & XfsLog.CANCEL) != 0) {
          latest.put(home, -1L);
        } else {
          latest.put(home, Math.floorMod(c.pos + c.ndesc + img++, logBlocks));
        }
      }
      replayed++;
      expectPos = Math.floorMod(c.pos + c.total(), logBlocks);
    }
    int blocks = 0;
    for (java.util.Map.Entry<Long, Long> e : new TreeMap<>(latest).entrySet()) {
      if (e.getValue() < 0) {
        continue;
      }
      BufferHead bh = cache.getblk(e.getKey());
      System.arraycopy(log, (int) (e.getValue() * bs), bh.data(), 0, bs);
      bh.markDirty();
      bh.release();
      blocks++;
    }
    // Recovered buffers go home and are flushed before the log is used again.
    cache.writeDirty();
    dev.flush();
    return new Result(head.seq + 1, Math.floorMod(head.pos + head.total(), logBlocks),
        head.tailPos, replayed, blocks);
  }

  /** The complete checkpoint starting at log block {@code p}, or null. */
  static Checkpoint checkpointAt(byte[] log, int bs, long logStart, long logBlocks, long p) {
    byte[] d0 = block(log, bs, p);
    ByteBuffer h = XfsBuf.le(d0);
    if (h.getInt(XfsBuf.MAGIC) != XfsBuf.LOG_DESC_MAGIC || h.getInt(XfsLog.DESC_INDEX) != 0) {
      return null;
    }
    if (!valid(d0, XfsBuf.LOG_DESC_MAGIC, logStart + p)) {
      return null;
    }
    long seq = h.getLong(XfsLog.DESC_SEQ);
    int ndesc = h.getInt(XfsLog.DESC_COUNT);
    int nitems = h.getInt(XfsLog.DESC_ITEMS);
    int nimages = h.getInt(XfsLog.DESC_IMAGES);
    long tailSeq = h.getLong(XfsLog.DESC_TAILSEQ);
    long tailPos = h.getLong(XfsLog.DESC_TAILPOS);
    long total = (long) ndesc + nimages + 1;
    int per = (bs - XfsLog.DESC_HOMES) / 8;
    if (ndesc != Math.max(1, (nitems + per - 1) / per)) {
      return null;
    }
    if (ndesc < 1 || nitems < 0 || nimages < 0 || nimages > nitems || total > logBlocks
        || tailSeq > seq || tailPos < 0 || tailPos >= logBlocks) {
      return null;
    }
    // The commit record first (one block): only a checkpoint that has one is read through.
    long cp = Math.floorMod(p + total - 1, logBlocks);
    byte[] c = block(log, bs, cp);
    ByteBuffer ch = XfsBuf.le(c);
    if (!valid(c, XfsBuf.LOG_COMMIT_MAGIC, logStart + cp) || ch.getLong(XfsLog.COMMIT_SEQ) != seq
        || ch.getInt(XfsLog.COMMIT_TOTAL) != total) {
      return null;
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    for (long k = 0; k < total - 1; k++) {
      long q = Math.floorMod(p + k, logBlocks);
      byte[] b = block(log, bs, q);
      if (k > 0 && k < ndesc) {
        ByteBuffer dh = XfsBuf.le(b);
        if (!valid(b, XfsBuf.LOG_DESC_MAGIC, logStart + q) || dh.getLong(XfsLog.DESC_SEQ) != seq
            || dh.getInt(XfsLog.DESC_INDEX) != k) {
          return null;
        }
      }
      crc.update(b);
    }
    if (ch.getInt(XfsLog.COMMIT_CRC) != (int) crc.getValue()) {
      return null;
    }
    return new Checkpoint(seq, p, ndesc, nitems, nimages, tailSeq, tailPos);
  }

  private static byte[] block(byte[] log, int bs, long p) {
    byte[] b = new byte[bs];
    System.arraycopy(log, (int) (p * bs), b, 0, bs);
    return b;
  }

  private static boolean valid(byte[] b, int magic, long blkno) {
    try {
      XfsBuf.verify(b, magic, blkno, XfsBuf.OWNER_FS, "log");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
