package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A block directory's data blocks ({@code xfs_dir2_data.c}): entries stay in the block they
 * were added to (a new entry goes to the first block with room, as the bestfree table points
 * XFS to one), so adding or removing a name rewrites one block, never the directory.
 */
final class DirBlocks {
  private final int capacity;
  /** Per directory block: its device block, names in it, bytes used. */
  final List<Long> blocks = new ArrayList<>();
  private final List<TreeMap<String, Long>> names = new ArrayList<>();
  private final List<Integer> used = new ArrayList<>();
  private final Map<String, Integer> where = new HashMap<>();
  /** Directory blocks changed since the last log force. */
  final TreeSet<Integer> dirty = new TreeSet<>();

  DirBlocks(int bs) {
    this.capacity = bs - XfsBuf.HDR;
  }

  static int entrySize(String name) {
    return 8 + 1 + name.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The directory block with room for {@code name}, or -1 if a new block is needed. */
  int fit(String name) {
    int need = entrySize(name);
    for (int i = 0; i < blocks.size(); i++) {
      if (used.get(i) + need <= capacity) {
        return i;
      }
    }
    return -1;
  }

  void addBlock(long blkno) {
    blocks.add(blkno);
    names.add(new TreeMap<>());
    used.add(0);
    dirty.add(blocks.size() - 1);
  }

  void add(int block, String name, long ino) {
    names.get(block).put(name, ino);
    used.set(block, used.get(block) + entrySize(name));
    where.put(name, block);
    dirty.add(block);
  }

  void remove(String name) {
    Integer b = where.remove(name);
    if (b != null) {
      names.get(b).remove(name);
      used.set(b, used.get(b) - entrySize(name));
      dirty.add(b);
    }
  }

  void rename(String name, long ino) {
    Integer b = where.get(name);
    if (b != null) {
      names.get(b).put(name, ino);
      dirty.add(b);
    }
  }

  /** Block {@code i}'s image: header (numrecs = entries), then (u64 ino, u8 namelen, name). */
  byte[] encode(int i, int bs, long owner, long lsn) {
    byte[] b = new byte[bs];
    ByteBuffer h = XfsBuf.le(b);
    h.putShort(XfsBuf.NUMRECS, (short) names.get(i).size());
    h.position(XfsBuf.HDR);
    for (Map.Entry<String, Long> e : names.get(i).entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      h.putLong(e.getValue()).put((byte) name.length).put(name);
    }
    XfsBuf.stamp(b, XfsBuf.DIR_MAGIC, blocks.get(i), owner, lsn);
    return b;
  }

  /** Reads a verified directory block into this layout and {@code entries}. */
  void decode(byte[] b, long blkno, long owner, Map<String, Long> entries) {
    XfsBuf.verify(b, XfsBuf.DIR_MAGIC, blkno, owner, "directory block");
    addBlock(blkno);
    int idx = blocks.size() - 1;
    ByteBuffer h = XfsBuf.le(b);
    int n = Short.toUnsignedInt(h.getShort(XfsBuf.NUMRECS));
    int off = XfsBuf.HDR;
    for (int k = 0; k < n; k++) {
      if (off + 9 > b.length) {
        throw XfsBuf.corrupt(blkno, "directory block", "entry " + k + " runs off the block");
      }
      long ino = h.getLong(off);
      int len = Byte.toUnsignedInt(b[off + 8]);
      if (off + 9 + len > b.length) {
        throw XfsBuf.corrupt(blkno, "directory block", "entry " + k + " runs off the block");
      }
      byte[] name = new byte[len];
      System.arraycopy(b, off + 9, name, 0, len);
      String s = InodeBuf.name(name, blkno, owner);
      if (entries.put(s, ino) != null) {
        throw XfsBuf.corrupt(blkno, "directory block", "names " + s + " twice");
      }
      add(idx, s, ino);
      off += 9 + len;
    }
    dirty.clear();
  }
}
