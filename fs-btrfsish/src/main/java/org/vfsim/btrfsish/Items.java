package org.vfsim.btrfsish;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.Errno;

/**
 * The item payloads of every tree, encoded and decoded little-endian (the layouts are in
 * package-info): inode items, inode refs, directory index items, file extent items, extent
 * items with their data backrefs, checksum runs and root items. A payload of the wrong size
 * is EUCLEAN, as btrfs's tree checker reports it.
 */
final class Items {
  static final int INODE_SIZE = 56;
  static final int FILE_EXTENT_SIZE = 41;
  static final int EXTENT_SIZE = 24;
  static final int DATA_REF_SIZE = 28;
  static final int ROOT_SIZE = 17;
  /** Sectors one checksum item covers. */
  static final int CSUM_RUN = 64;
  static final long FLAG_DATA = 1;

  private Items() {}

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer check(byte[] b, int size, String what) {
    if (b.length != size) {
      throw Errno.EUCLEAN.exception("btrfsish: " + what + " item of " + b.length + " bytes");
    }
    return le(b);
  }

  // ---- fs tree ---------------------------------------------------------------------------------

  static byte[] inode(InodeItem i) {
    byte[] b = new byte[INODE_SIZE];
    ByteBuffer bb = le(b);
    bb.putLong(0, i.size);
    bb.putInt(8, i.type.modeBits() | (i.mode & 07777));
    bb.putInt(12, i.uid);
    bb.putInt(16, i.gid);
    bb.putInt(20, i.nlink);
    bb.putLong(24, i.flags);
    bb.putLong(32, i.atime);
    bb.putLong(40, i.mtime);
    bb.putLong(48, i.ctime);
    return b;
  }

  static InodeItem inode(long ino, byte[] b) {
    ByteBuffer bb = check(b, INODE_SIZE, "inode");
    int mode = bb.getInt(8);
    FileType type = (mode & 0170000) == FileType.DIRECTORY.modeBits() ? FileType.DIRECTORY
        : FileType.REGULAR;
    InodeItem i = new InodeItem(ino, type);
    i.size = bb.getLong(0);
    i.mode = mode & 07777;
    i.uid = bb.getInt(12);
    i.gid = bb.getInt(16);
    i.nlink = bb.getInt(20);
    i.flags = (int) bb.getLong(24);
    i.atime = bb.getLong(32);
    i.mtime = bb.getLong(40);
    i.ctime = bb.getLong(48);
    i.committed = b;
    return i;
  }

  static byte[] fileExtent(FileExtentItem it, long generation) {
    byte[] b = new byte[FILE_EXTENT_SIZE];
    ByteBuffer bb = le(b);
    bb.putLong(0, generation);
    b[8] = (byte) (it.prealloc() ? 2 : 1);
    bb.putLong(9, it.diskBytenr());
    bb.putLong(17, it.diskNumBytes());
    bb.putLong(25, it.offset());
    bb.putLong(33, it.numBytes());
    return b;
  }

  static FileExtentItem fileExtent(byte[] b) {
    ByteBuffer bb = check(b, FILE_EXTENT_SIZE, "file extent");
    return new FileExtentItem(bb.getLong(9), bb.getLong(17), bb.getLong(25), bb.getLong(33),
        b[8] == 2);
  }

  static byte[] dirIndex(long child, FileType type, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[11 + n.length];
    ByteBuffer bb = le(b);
    bb.putLong(0, child);
    b[8] = (byte) (type == FileType.DIRECTORY ? 2 : 1);
    bb.putShort(9, (short) n.length);
    System.arraycopy(n, 0, b, 11, n.length);
    return b;
  }

  static long dirIndexChild(byte[] b) {
    return le(b).getLong(0);
  }

  static String dirIndexName(byte[] b) {
    int len = le(b).getShort(9) & 0xffff;
    if (11 + len != b.length) {
      throw Errno.EUCLEAN.exception("btrfsish: directory index item of bad length");
    }
    return new String(b, 11, len, StandardCharsets.UTF_8);
  }

  static byte[] inodeRef(Iterable<String> names) {
    List<byte[]> ns = new ArrayList<>();
    int len = 0;
    for (String s : names) {
      byte[] n = s.getBytes(StandardCharsets.UTF_8);
      ns.add(n);
      len += 2 + n.length;
    }
    byte[] b = new byte[len];
    ByteBuffer bb = le(b);
    int at = 0;
    for (byte[] n : ns) {
      bb.putShort(at, (short) n.length);
      System.arraycopy(n, 0, b, at + 2, n.length);
      at += 2 + n.length;
    }
    return b;
  }

  static List<String> inodeRefNames(byte[] b) {
    List<String> out = new ArrayList<>();
    ByteBuffer bb = le(b);
    int at = 0;
    while (at < b.length) {
      int len = bb.getShort(at) & 0xffff;
      if (at + 2 + len > b.length) {
        throw Errno.EUCLEAN.exception("btrfsish: inode ref item of bad length");
      }
      out.add(new String(b, at + 2, len, StandardCharsets.UTF_8));
      at += 2 + len;
    }
    return out;
  }

  // ---- extent tree -----------------------------------------------------------------------------

  static byte[] extent(long refs, long generation) {
    byte[] b = new byte[EXTENT_SIZE];
    ByteBuffer bb = le(b);
    bb.putLong(0, refs);
    bb.putLong(8, generation);
    bb.putLong(16, FLAG_DATA);
    return b;
  }

  static long extentRefs(byte[] b) {
    return check(b, EXTENT_SIZE, "extent").getLong(0);
  }

  static long extentGeneration(byte[] b) {
    return check(b, EXTENT_SIZE, "extent").getLong(8);
  }

  /** The key offset of a data backref item: a hash of (root, inode, offset), as btrfs keys it. */
  static long dataRefHash(DataRef r) {
    long h = Key.FS_TREE * 0x9E3779B97F4A7C15L;
    h = (h ^ r.ino()) * 0xBF58476D1CE4E5B9L;
    h = (h ^ r.base()) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /** An extent's data backref items by hash; backrefs whose hashes collide share one. */
  static SortedMap<Long, byte[]> dataRefs(Map<DataRef, Integer> refs) {
    TreeMap<Long, List<Map.Entry<DataRef, Integer>>> byHash = new TreeMap<>(Long::compareUnsigned);
    for (Map.Entry<DataRef, Integer> e : refs.entrySet()) {
      byHash.computeIfAbsent(dataRefHash(e.getKey()), h -> new ArrayList<>()).add(e);
    }
    TreeMap<Long, byte[]> out = new TreeMap<>(Long::compareUnsigned);
    byHash.forEach((h, list) -> {
      list.sort((a, b) -> a.getKey().ino() != b.getKey().ino()
          ? Long.compare(a.getKey().ino(), b.getKey().ino())
          : Long.compare(a.getKey().base(), b.getKey().base()));
      byte[] b = new byte[DATA_REF_SIZE * list.size()];
      ByteBuffer bb = le(b);
      for (int i = 0; i < list.size(); i++) {
        int at = i * DATA_REF_SIZE;
        bb.putLong(at, Key.FS_TREE);
        bb.putLong(at + 8, list.get(i).getKey().ino());
        bb.putLong(at + 16, list.get(i).getKey().base());
        bb.putInt(at + 24, list.get(i).getValue());
      }
      out.put(h, b);
    });
    return out;
  }

  static void decodeDataRefs(byte[] b, Map<DataRef, Integer> into) {
    if (b.length == 0 || b.length % DATA_REF_SIZE != 0) {
      throw Errno.EUCLEAN.exception("btrfsish: data backref item of " + b.length + " bytes");
    }
    ByteBuffer bb = le(b);
    for (int at = 0; at < b.length; at += DATA_REF_SIZE) {
      into.merge(new DataRef(bb.getLong(at + 8), bb.getLong(at + 16)), bb.getInt(at + 24),
          Integer::sum);
    }
  }

  // ---- checksum tree ---------------------------------------------------------------------------

  /** One checksum item: a bitmap of the run's sectors that have one, then their CRC32Cs. */
  static byte[] csumRun(SortedMap<Long, Integer> csums, long start, int sectorSize) {
    long bitmap = 0;
    List<Integer> crcs = new ArrayList<>();
    for (Map.Entry<Long, Integer> e : csums.entrySet()) {
      bitmap |= 1L << ((e.getKey() - start) / sectorSize);
      crcs.add(e.getValue());
    }
    byte[] b = new byte[8 + 4 * crcs.size()];
    ByteBuffer bb = le(b);
    bb.putLong(0, bitmap);
    for (int i = 0; i < crcs.size(); i++) {
      bb.putInt(8 + 4 * i, crcs.get(i));
    }
    return b;
  }

  static void decodeCsumRun(byte[] b, long start, int sectorSize, Map<Long, Integer> into) {
    ByteBuffer bb = le(b);
    long bitmap = b.length >= 8 ? bb.getLong(0) : 0;
    if (b.length != 8 + 4 * Long.bitCount(bitmap)) {
      throw Errno.EUCLEAN.exception("btrfsish: checksum item of " + b.length + " bytes");
    }
    int i = 0;
    for (int s = 0; s < CSUM_RUN; s++) {
      if ((bitmap & (1L << s)) != 0) {
        into.put(start + (long) s * sectorSize, bb.getInt(8 + 4 * i++));
      }
    }
  }

  // ---- root tree -------------------------------------------------------------------------------

  static byte[] root(ExtentBuffer root) {
    byte[] b = new byte[ROOT_SIZE];
    ByteBuffer bb = le(b);
    bb.putLong(0, root.bytenr);
    bb.putLong(8, root.generation);
    b[16] = (byte) root.level;
    return b;
  }

  static long rootBytenr(byte[] b) {
    return check(b, ROOT_SIZE, "root").getLong(0);
  }
}
