package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.vfsim.syscall.Errno;

/**
 * A tree node decoded in memory ({@code struct extent_buffer}): the header, the keys and either
 * the leaf's item data or the node's child pointers. It is a cache of the block at
 * {@link #bytenr}; {@link #written} says whether that block already holds it, after which it
 * is never changed in place again (copy-on-write).
 */
final class ExtentBuffer {
  static final int HEADER = 101;
  static final int ITEM = 25;
  static final int KEY_PTR = 33;
  static final byte[] MAGIC_FSID = "vfsim-btrfsish\0\0".getBytes(StandardCharsets.US_ASCII);

  final long bytenr;
  final long generation;
  final long owner;
  final int level;
  final List<Key> keys;
  /** Leaf only: the items' data, in key order. */
  final List<byte[]> data;
  /** Node only: the child block and the generation it was written in. */
  final List<long[]> ptrs;
  boolean written;
  private int leafBytes;

  ExtentBuffer(long bytenr, long generation, long owner, int level) {
    this.bytenr = bytenr;
    this.generation = generation;
    this.owner = owner;
    this.level = level;
    this.keys = new ArrayList<>();
    this.data = level == 0 ? new ArrayList<>() : List.of();
    this.ptrs = level > 0 ? new ArrayList<>() : List.of();
  }

  /** The copy COW makes: same content, a new block, the running transaction's generation. */
  ExtentBuffer copyTo(long newBytenr, long transid) {
    ExtentBuffer c = new ExtentBuffer(newBytenr, transid, owner, level);
    c.keys.addAll(keys);
    if (level == 0) {
      c.data.addAll(data);
      c.leafBytes = leafBytes;
    } else {
      for (long[] p : ptrs) {
        c.ptrs.add(p.clone());
      }
    }
    return c;
  }

  int nritems() {
    return keys.size();
  }

  boolean isLeaf() {
    return level == 0;
  }

  /** Bytes the node uses after its header. */
  int used() {
    return level == 0 ? leafBytes : keys.size() * KEY_PTR;
  }

  void insertItem(int slot, Key k, byte[] v) {
    keys.add(slot, k);
    data.add(slot, v);
    leafBytes += ITEM + v.length;
  }

  void replaceItem(int slot, byte[] v) {
    leafBytes += v.length - data.get(slot).length;
    data.set(slot, v);
  }

  void removeItem(int slot) {
    keys.remove(slot);
    leafBytes -= ITEM + data.remove(slot).length;
  }

  void insertPtr(int slot, Key k, long child, long gen) {
    keys.add(slot, k);
    ptrs.add(slot, new long[] {child, gen});
  }

  void removePtr(int slot) {
    keys.remove(slot);
    ptrs.remove(slot);
  }

  /** Moves the items from {@code from} on into {@code right} (a split). */
  void moveTail(int from, ExtentBuffer right) {
    for (int i = from; i < keys.size(); i++) {
      if (level == 0) {
        right.insertItem(right.nritems(), keys.get(i), data.get(i));
      } else {
        right.insertPtr(right.nritems(), keys.get(i), ptrs.get(i)[0], ptrs.get(i)[1]);
      }
    }
    while (keys.size() > from) {
      if (level == 0) {
        removeItem(keys.size() - 1);
      } else {
        removePtr(keys.size() - 1);
      }
    }
  }

  /**
   * The slot for {@code k}: in a leaf, its index if present, else {@code -(insertion point) - 1};
   * in a node, the last child whose key is at most {@code k} (0 if none).
   */
  int search(Key k) {
    int lo = 0;
    int hi = keys.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = keys.get(mid).compareTo(k);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return level == 0 ? -(lo + 1) : Math.max(0, lo - 1);
  }

  // ---- on-disk format (see package-info) ------------------------------------------------------

  byte[] encode(int nodesize) {
    byte[] b = new byte[nodesize];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.position(32);
    bb.put(MAGIC_FSID);
    bb.putLong(48, bytenr);
    bb.putLong(56, 0);
    bb.putLong(80, generation);
    bb.putLong(88, owner);
    bb.putInt(96, keys.size());
    b[100] = (byte) level;
    int at = HEADER;
    if (level == 0) {
      int dataEnd = nodesize - HEADER;
      for (int i = 0; i < keys.size(); i++) {
        byte[] v = data.get(i);
        dataEnd -= v.length;
        putKey(bb, at, keys.get(i));
        bb.putInt(at + 17, dataEnd);
        bb.putInt(at + 21, v.length);
        System.arraycopy(v, 0, b, HEADER + dataEnd, v.length);
        at += ITEM;
      }
    } else {
      for (int i = 0; i < keys.size(); i++) {
        putKey(bb, at, keys.get(i));
        bb.putLong(at + 17, ptrs.get(i)[0]);
        bb.putLong(at + 25, ptrs.get(i)[1]);
        at += KEY_PTR;
      }
    }
    putCsum(b, 32);
    return b;
  }

  /** CRC32C of bytes {@code [from, end)} into bytes 0..3 ({@code csum[0..3]}). */
  static void putCsum(byte[] b, int from) {
    CRC32C crc = new CRC32C();
    crc.update(b, from, b.length - from);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
  }

  static boolean csumOk(byte[] b, int from) {
    CRC32C crc = new CRC32C();
    crc.update(b, from, b.length - from);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == (int) crc.getValue();
  }

  /**
   * Decodes and checks a block read from {@code bytenr} (what {@code btrfs_validate_extent_buffer}
   * and the tree checker verify): checksum, fsid, bytenr, level, key order, item bounds. A
   * mismatch is EIO, as btrfs reports a bad tree block.
   */
  static ExtentBuffer decode(byte[] b, long bytenr) {
    if (!csumOk(b, 32)) {
      throw Errno.EIO.exception("btrfsish: bad tree block checksum at bytenr " + bytenr);
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (!Arrays.equals(Arrays.copyOfRange(b, 32, 48), MAGIC_FSID)) {
      throw Errno.EIO.exception("btrfsish: tree block " + bytenr + " has a foreign fsid");
    }
    long at = bb.getLong(48);
    if (at != bytenr) {
      throw Errno.EIO.exception("btrfsish: tree block at " + bytenr + " says bytenr " + at);
    }
    int nritems = bb.getInt(96);
    int level = b[100];
    int cap = (b.length - HEADER) / (level == 0 ? ITEM : KEY_PTR);
    if (level < 0 || level >= 8 || nritems < 0 || nritems > cap) {
      throw Errno.EIO.exception("btrfsish: tree block " + bytenr + " has a bad header");
    }
    ExtentBuffer e = new ExtentBuffer(bytenr, bb.getLong(80), bb.getLong(88), level);
    int p = HEADER;
    for (int i = 0; i < nritems; i++) {
      Key k = getKey(bb, p);
      if (i > 0 && e.keys.get(i - 1).compareTo(k) >= 0) {
        throw Errno.EIO.exception("btrfsish: tree block " + bytenr + ": keys out of order");
      }
      if (level == 0) {
        int off = bb.getInt(p + 17);
        int size = bb.getInt(p + 21);
        checkBounds(off, size, b.length - HEADER, bytenr);
        e.insertItem(i, k, Arrays.copyOfRange(b, HEADER + off, HEADER + off + size));
        p += ITEM;
      } else {
        e.insertPtr(i, k, bb.getLong(p + 17), bb.getLong(p + 25));
        p += KEY_PTR;
      }
    }
    e.written = true;
    return e;
  }

  private static void checkBounds(int off, int size, int room, long bytenr) {
    if (off < 0 || size < 0 || (long) off + size > room) {
      throw Errno.EIO.exception("btrfsish: tree block " + bytenr + ": item outside the leaf");
    }
  }

  static void putKey(ByteBuffer bb, int at, Key k) {
    bb.putLong(at, k.objectid());
    bb.put(at + 8, (byte) k.type());
    bb.putLong(at + 9, k.offset());
  }

  static Key getKey(ByteBuffer bb, int at) {
    return new Key(bb.getLong(at), bb.get(at + 8) & 0xff, bb.getLong(at + 9));
  }

  static void checkItemFits(int nodesize, int len) {
    checkArgument(ITEM + len <= nodesize - HEADER, "item of %s bytes does not fit a leaf", len);
  }
}
