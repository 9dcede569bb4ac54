package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.ErrnoException;

/**
 * The on-disk inode ({@code xfs_inode_buf.c}, {@code xfs_inode_fork.c}): a 512-byte dinode in a
 * 64-inode chunk, its core, and its data fork in the literal area - extent records inline, the
 * root of a bmbt, or a shortform directory (layout in package-info).
 */
final class InodeBuf {
  static final int ISIZE = 512;
  static final int CORE = 176;
  static final int LITERAL = ISIZE - CORE;
  static final int INODES_PER_CHUNK = 64;
  static final int FIRST_AGINO = 128;
  static final int DI_MAGIC = 0x4e49; // "IN"
  static final int FMT_LOCAL = 1;
  static final int FMT_EXTENTS = 2;
  static final int FMT_BTREE = 3;
  static final int EXTENT_BYTES = 16;
  /** Extent records that fit inline: 336 / 16 = 21. */
  static final int INLINE_EXTENTS = LITERAL / EXTENT_BYTES;
  /** Entries of the bmbt root in the inode ({@code xfs_bmdr_block}): (336 - 4) / 24. */
  static final int BMDR_ENTRIES = (LITERAL - 4) / (Btree.BMAP.recSize() + Btree.PTR);
  static final int S_IFREG = 0x8000;
  static final int S_IFDIR = 0x4000;

  private InodeBuf() {}

  /** One decoded (or to-be-encoded) dinode: the fields the incore inode is built from. */
  static final class Dinode {
    long ino;
    FileType type;
    int mode;
    int uid;
    int gid;
    int nlink;
    long size;
    long atime;
    long mtime;
    long ctime;
    boolean preallocFlag;
    ExtentMap extents = new ExtentMap();
    TreeMap<String, Long> entries = new TreeMap<>();
    /** bmbt blocks below the in-inode root (files and block directories). */
    List<Long> bmbtBlocks = new ArrayList<>();
    /** A block directory's blocks, by directory block index; empty for shortform. */
    List<Long> dirBlocks = new ArrayList<>();
    /** A block directory's layout; null for shortform. */
    DirBlocks dir;
    long nblocks;
  }

  // ---- extent records: xfs_bmbt_rec, 128 bits --------------------------------------------------

  /**
   * Packs a record as {@code xfs_bmbt_rec}: bit 127 the unwritten flag, 126-73 the file offset
   * (54 bits), 72-21 the start block (52 bits), 20-0 the length (21 bits); two LE u64s, the
   * high half first.
   */
  static byte[] packExtent(long off, long start, long len, boolean unwritten) {
    byte[] b = new byte[EXTENT_BYTES];
    long l0 = (unwritten ? 1L << 63 : 0) | (off << 9) | (start >>> 43);
    long l1 = (start << 21) | len;
    XfsBuf.le(b).putLong(0, l0).putLong(8, l1);
    return b;
  }

  static ExtentMap.Irec unpackExtent(byte[] b, int at) {
    ByteBuffer h = XfsBuf.le(b);
    long l0 = h.getLong(at);
    long l1 = h.getLong(at + 8);
    boolean unwritten = l0 < 0;
    long off = (l0 >>> 9) & ((1L << 54) - 1);
    long start = ((l0 & 0x1ff) << 43) | (l1 >>> 21);
    long len = l1 & ExtentMap.MAXEXTLEN;
    if (len == 0) {
      throw new IllegalArgumentException("extent of length 0 at offset " + off);
    }
    return new ExtentMap.Irec(off, start, len,
        unwritten ? ExtentMap.State.UNWRITTEN : ExtentMap.State.NORM, 0);
  }

  // ---- shortform directories -----------------------------------------------------------------

  static int sfSize(Map<String, Long> entries) {
    int n = 2;
    for (String name : entries.keySet()) {
      n += 1 + name.getBytes(StandardCharsets.UTF_8).length + 8;
    }
    return n;
  }

  // ---- the dinode ------------------------------------------------------------------------------

  /**
   * Encodes {@code d} into {@code out} at {@code at} (512 bytes). {@code fork} is the literal
   * area already laid out by the caller, {@code format} its format, {@code nrecs} its record count.
   */
  static void encode(Dinode d, int format, int nrecs, byte[] fork, long blkno, long lsn,
      byte[] out, int at) {
    byte[] b = new byte[ISIZE];
    ByteBuffer h = XfsBuf.le(b);
    int typeBits = d.type == FileType.DIRECTORY ? S_IFDIR : S_IFREG;
    h.putShort(0, (short) DI_MAGIC).putShort(2, (short) (typeBits | (d.mode & 07777)));
    h.put(4, (byte) 3).put(5, (byte) format);
    h.putInt(8, d.uid).putInt(12, d.gid).putInt(16, d.nlink).putInt(20, d.preallocFlag ? 1 : 0);
    h.putLong(24, d.atime).putLong(32, d.mtime).putLong(40, d.ctime).putLong(48, d.size);
    h.putLong(56, d.nblocks).putInt(64, nrecs);
    h.putLong(72, d.ino).putLong(80, lsn).putLong(88, blkno);
    System.arraycopy(fork, 0, b, CORE, Math.min(fork.length, LITERAL));
    h.putInt(68, XfsBuf.crcWithHole(b, 0, ISIZE, 68));
    System.arraycopy(b, 0, out, at, ISIZE);
  }

  /** A free inode slot: the magic, mode 0, its number and block, and its CRC. */
  static void encodeFree(long ino, long blkno, byte[] out, int at) {
    byte[] b = new byte[ISIZE];
    ByteBuffer h = XfsBuf.le(b);
    h.putShort(0, (short) DI_MAGIC).put(4, (byte) 3);
    h.putLong(72, ino).putLong(88, blkno);
    h.putInt(68, XfsBuf.crcWithHole(b, 0, ISIZE, 68));
    System.arraycopy(b, 0, out, at, ISIZE);
  }

  /** Whether two encoded dinodes differ other than in CRC and LSN. */
  static boolean differs(byte[] a, int aAt, byte[] b, int bAt) {
    for (int i = 0; i < ISIZE; i++) {
      if ((i >= 68 && i < 72) || (i >= 80 && i < 88)) {
        continue;
      }
      if (a[aAt + i] != b[bAt + i]) {
        return true;
      }
    }
    return false;
  }

  /** The decoded core of a dinode: verified magic, CRC, number and block. */
  record Core(int mode, int format, int nrecs, byte[] raw) {
    boolean free() {
      return mode == 0;
    }
  }

  static Core verify(byte[] blk, int at, long ino, long blkno) {
    byte[] b = new byte[ISIZE];
    System.arraycopy(blk, at, b, 0, ISIZE);
    ByteBuffer h = XfsBuf.le(b);
    String what = "inode " + ino;
    if (Short.toUnsignedInt(h.getShort(0)) != DI_MAGIC) {
      throw XfsBuf.corrupt(blkno, what, "has no inode magic at offset " + at);
    }
    if (h.getInt(68) != XfsBuf.crcWithHole(b, 0, ISIZE, 68)) {
      throw XfsBuf.corrupt(blkno, what, "fails its CRC32C");
    }
    if (h.getLong(72) != ino || h.getLong(88) != blkno) {
      throw XfsBuf.corrupt(blkno, what, "says it is inode " + h.getLong(72) + " in block "
          + h.getLong(88));
    }
    return new Core(Short.toUnsignedInt(h.getShort(2)), b[5], h.getInt(64), b);
  }

  /** The core fields of a verified, in-use dinode (the data fork is the caller's). */
  static Dinode core(long ino, long blkno, Core c) {
    ByteBuffer h = XfsBuf.le(c.raw());
    Dinode d = new Dinode();
    d.ino = ino;
    int typeBits = c.mode() & 0xf000;
    if (typeBits != S_IFREG && typeBits != S_IFDIR) {
      throw XfsBuf.corrupt(blkno, "inode " + ino, "has mode " + Integer.toOctalString(c.mode()));
    }
    d.type = typeBits == S_IFDIR ? FileType.DIRECTORY : FileType.REGULAR;
    d.mode = c.mode() & 07777;
    d.uid = h.getInt(8);
    d.gid = h.getInt(12);
    d.nlink = h.getInt(16);
    d.preallocFlag = (h.getInt(20) & 1) != 0;
    d.atime = h.getLong(24);
    d.mtime = h.getLong(32);
    d.ctime = h.getLong(40);
    d.size = h.getLong(48);
    d.nblocks = h.getLong(56);
    if (d.nlink < 0 || d.size < 0 || c.nrecs() < 0) {
      throw XfsBuf.corrupt(blkno, "inode " + ino, "has nlink " + d.nlink + ", size " + d.size);
    }
    return d;
  }

  /** Encodes a shortform directory: u16 count, then (u8 namelen, name, u64 ino) each. */
  static byte[] encodeShortform(Map<String, Long> entries) {
    byte[] b = new byte[LITERAL];
    ByteBuffer h = XfsBuf.le(b);
    h.putShort((short) entries.size());
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      h.put((byte) name.length).put(name).putLong(e.getValue());
    }
    return b;
  }

  static TreeMap<String, Long> decodeShortform(byte[] raw, long ino, long blkno) {
    TreeMap<String, Long> out = new TreeMap<>();
    try {
      ByteBuffer h = XfsBuf.le(raw).position(CORE);
      int n = Short.toUnsignedInt(h.getShort());
      for (int i = 0; i < n; i++) {
        int len = Byte.toUnsignedInt(h.get());
        byte[] name = new byte[len];
        h.get(name);
        out.put(name(name, blkno, ino), h.getLong());
      }
    } catch (RuntimeException e) {
      if (e instanceof ErrnoException x) {
        throw x;
      }
      throw XfsBuf.corrupt(blkno, "inode " + ino, "has a malformed shortform directory");
    }
    return out;
  }

  static String name(byte[] name, long blkno, long owner) {
    String s = new String(name, StandardCharsets.UTF_8);
    if (name.length == 0 || s.indexOf('/') >= 0
        || !java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), name)) {
      throw XfsBuf.corrupt(blkno, "directory " + owner, "holds a malformed name");
    }
    return s;
  }
}
