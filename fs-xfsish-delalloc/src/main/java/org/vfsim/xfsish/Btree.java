package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The generic B+tree of {@code xfs_btree.c}, as xfsish keeps it on disk: leaves of fixed-size
 * records, nodes of (key, pointer) entries where a key is a copy of the first record below it,
 * and a root that is either a block of its own (the AG trees) or a few entries in the inode
 * (the bmbt's {@code xfs_bmdr_block}). The tree is laid out from the sorted records at each log
 * force (leaves packed from the left); only blocks whose bytes changed are logged.
 */
final class Btree {
  /** One kind of tree: its block magic, record size and name (for messages). */
  record Kind(int magic, int recSize, String name) {}

  static final Kind BNO = new Kind(XfsBuf.BNO_MAGIC, 16, "bnobt");
  static final Kind CNT = new Kind(XfsBuf.CNT_MAGIC, 16, "cntbt");
  static final Kind INO = new Kind(XfsBuf.INO_MAGIC, 24, "inobt");
  static final Kind BMAP = new Kind(XfsBuf.BMAP_MAGIC, 16, "bmbt");
  static final int PTR = 8;

  private Btree() {}

  static int leafCap(Kind k, int bs) {
    return (bs - XfsBuf.HDR) / k.recSize();
  }

  static int nodeCap(Kind k, int bs) {
    return (bs - XfsBuf.HDR) / (k.recSize() + PTR);
  }

  /**
   * Blocks a tree of {@code n} records needs. With {@code rootEntries} 0 the root is a block
   * (counted); otherwise the root lives in the inode and holds up to that many entries.
   */
  static int blocksNeeded(Kind k, int bs, int n, int rootEntries) {
    int total = 0;
    int items = n;
    int level = 0;
    while (true) {
      int cap = level == 0 ? leafCap(k, bs) : nodeCap(k, bs);
      if (rootEntries == 0 && items <= cap) {
        return total + 1;
      }
      if (rootEntries > 0 && level > 0 && items <= rootEntries) {
        return total;
      }
      int blocks = Math.max(1, (items + cap - 1) / cap);
      total += blocks;
      items = blocks;
      level++;
    }
  }

  /** What {@link #build} produced: block images, and the root's entries when it is in the inode. */
  record Built(Map<Long, byte[]> images, List<byte[]> rootEntries, int rootLevel) {}

  /**
   * Lays {@code recs} (sorted) out as a tree in {@code blocks} (exactly {@link #blocksNeeded}
   * of them; with a block root, the last one is the root).
   */
  static Built build(Kind k, int bs, long owner, long lsn, List<byte[]> recs, List<Long> blocks,
      int rootEntries) {
    Map<Long, byte[]> images = new LinkedHashMap<>();
    List<byte[]> items = recs;
    int level = 0;
    int next = 0;
    while (true) {
      int cap = level == 0 ? leafCap(k, bs) : nodeCap(k, bs);
      if (rootEntries == 0 && items.size() <= cap) {
        long b = blocks.get(next);
        images.put(b, block(k, bs, b, owner, lsn, level, items));
        return new Built(images, List.of(), level);
      }
      if (rootEntries > 0 && level > 0 && items.size() <= rootEntries) {
        return new Built(images, items, level);
      }
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i < items.size() || i == 0; i += cap) {
        List<byte[]> chunk = items.subList(i, Math.min(items.size(), i + cap));
        long b = blocks.get(next++);
        images.put(b, block(k, bs, b, owner, lsn, level, chunk));
        byte[] e = new byte[k.recSize() + PTR];
        if (!chunk.isEmpty()) {
          System.arraycopy(chunk.get(0), 0, e, 0, k.recSize());
        }
        XfsBuf.le(e).putLong(k.recSize(), b);
        up.add(e);
      }
      items = up;
      level++;
    }
  }

  private static byte[] block(Kind k, int bs, long blkno, long owner, long lsn, int level,
      List<byte[]> items) {
    byte[] b = new byte[bs];
    ByteBuffer h = XfsBuf.le(b);
    h.putShort(XfsBuf.LEVEL, (short) level).putShort(XfsBuf.NUMRECS, (short) items.size());
    int off = XfsBuf.HDR;
    for (byte[] it : items) {
      System.arraycopy(it, 0, b, off, it.length);
      off += it.length;
    }
    XfsBuf.stamp(b, k.magic(), blkno, owner, lsn);
    return b;
  }

  /**
   * Reads a tree from its root block ({@code rootBlock}) or, if that is -1, from root entries
   * at {@code rootLevel}; verifies every block (magic, CRC, number, owner, level, counts) and
   * adds the non-root blocks it visits to {@code blocksOut}. Returns the records in order.
   */
  static List<byte[]> read(Kind k, int bs, LongFunction<byte[]> reader, long owner,
      long rootBlock, int rootLevel, List<byte[]> rootEntries, List<Long> blocksOut) {
    List<byte[]> out = new ArrayList<>();
    java.util.TreeMap<Integer, List<Long>> byLevel = new java.util.TreeMap<>();
    if (rootBlock >= 0) {
      walk(k, bs, reader, owner, rootBlock, -1, out, byLevel, true);
    } else {
      for (byte[] e : rootEntries) {
        long ptr = XfsBuf.le(e).getLong(k.recSize());
        walk(k, bs, reader, owner, ptr, rootLevel - 1, out, byLevel, false);
      }
    }
    // The order build() uses: leaves left to right, then each level up.
    byLevel.values().forEach(blocksOut::addAll);
    return out;
  }

  private static void walk(Kind k, int bs, LongFunction<byte[]> reader, long owner, long blkno,
      int level, List<byte[]> out, java.util.Map<Integer, List<Long>> blocksOut, boolean root) {
    byte[] b = reader.apply(blkno);
    XfsBuf.verify(b, k.magic(), blkno, owner, k.name());
    ByteBuffer h = XfsBuf.le(b);
    int lv = h.getShort(XfsBuf.LEVEL);
    int n = Short.toUnsignedInt(h.getShort(XfsBuf.NUMRECS));
    if ((level >= 0 && lv != level) || lv < 0 || lv > 8) {
      throw XfsBuf.corrupt(blkno, k.name(), "has level " + lv + ", expected " + level);
    }
    int cap = lv == 0 ? leafCap(k, bs) : nodeCap(k, bs);
    if (n > cap) {
      throw XfsBuf.corrupt(blkno, k.name(), "holds " + n + " records, at most " + cap + " fit");
    }
    if (!root) {
      blocksOut.computeIfAbsent(lv, x -> new ArrayList<>()).add(blkno);
    }
    int size = lv == 0 ? k.recSize() : k.recSize() + PTR;
    for (int i = 0; i < n; i++) {
      byte[] item = new byte[size];
      System.arraycopy(b, XfsBuf.HDR + i * size, item, 0, size);
      if (lv == 0) {
        out.add(item);
      } else {
        long ptr = XfsBuf.le(item).getLong(k.recSize());
        walk(k, bs, reader, owner, ptr, lv - 1, out, blocksOut, false);
      }
    }
  }
}
