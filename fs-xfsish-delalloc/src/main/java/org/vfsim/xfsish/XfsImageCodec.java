package org.vfsim.xfsish;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * The interim whole-image encoding of {@link XfsImage} (little-endian, laid out in
 * package-info): what a log force makes durable until the XFS-shaped B+tree and log format
 * replaces it. Decoding trusts nothing: every count is checked against the bytes left, so a
 * crafted length cannot make it allocate, and any inconsistency is one EUCLEAN line.
 */
final class XfsImageCodec {
  /** "XIMG" in little-endian byte order: the first four bytes of every image. */
  static final int MAGIC = 0x474d4958;
  static final int VERSION = 1;
  static final int HEADER_BYTES = 72;
  static final int AG_BYTES = 28;
  static final int FREE_BYTES = 16;
  static final int DINODE_BYTES = 66;
  static final int EXTENT_BYTES = 33;
  static final int ENTRY_MIN_BYTES = 10;
  static final int NAME_MAX = 255;

  private XfsImageCodec() {}

  static byte[] encode(XfsImage img) {
    int size = HEADER_BYTES;
    for (AllocGroup ag : img.ags) {
      size += AG_BYTES + ag.bno.size() * FREE_BYTES;
    }
    size += 4;
    for (XfsImage.Dinode d : img.inodes.values()) {
      size += DINODE_BYTES + d.extents.count() * EXTENT_BYTES;
      for (String name : d.entries.keySet()) {
        size += ENTRY_MIN_BYTES + name.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(VERSION).putInt(img.blockSize).putLong(img.dblocks)
        .putInt(img.agcount).putLong(img.agblocks).putInt(img.headerBlocks)
        .putLong(img.logStart).putLong(img.logBlocks).putLong(img.logHead)
        .putInt(img.agRotor).putLong(img.rootIno);
    for (int a = 0; a < img.ags.size(); a++) {
      AllocGroup ag = img.ags.get(a);
      b.putLong(ag.agStart).putLong(ag.agBlocks).putLong(img.nextAgino[a]).putInt(ag.bno.size());
      for (Map.Entry<Long, Long> e : ag.bno.entrySet()) {
        b.putLong(e.getKey()).putLong(e.getValue());
      }
    }
    b.putInt(img.inodes.size());
    for (XfsImage.Dinode d : img.inodes.values()) {
      b.putLong(d.ino).put((byte) (d.type == FileType.DIRECTORY ? 2 : 1)).putInt(d.mode)
          .putInt(d.uid).putInt(d.gid).putInt(d.nlink).putLong(d.size).putLong(d.atime)
          .putLong(d.mtime).putLong(d.ctime).put((byte) (d.preallocFlag ? 1 : 0))
          .putInt(d.extents.count()).putInt(d.entries.size());
      for (ExtentMap.Irec r : d.extents.all()) {
        b.putLong(r.off()).putLong(r.start()).putLong(r.len()).put((byte) r.state().ordinal())
            .putLong(r.indlen());
      }
      for (Map.Entry<String, Long> e : d.entries.entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
        b.putShort((short) name.length).put(name).putLong(e.getValue());
      }
    }
    return b.array();
  }

  /** Decodes {@code bytes}; {@code where} names the slot for the error message. */
  static XfsImage decode(byte[] bytes, String where) {
    try {
      return decode(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    } catch (BufferUnderflowException e) {
      throw bad(where, "truncated (" + bytes.length + " bytes)");
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw bad(where, e.getMessage());
    }
  }

  private static ErrnoException bad(String where, String why) {
    return Errno.EUCLEAN.exception("xfsish: metadata image " + where + " is inconsistent: " + why);
  }

  private static void check(boolean ok, String what, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(what, args));
    }
  }

  /** A count that must fit in what is left, each element taking at least {@code each} bytes. */
  private static int count(ByteBuffer b, int each, String what) {
    long n = Integer.toUnsignedLong(b.getInt());
    check(n * each <= b.remaining(), "%s count %s exceeds the %s bytes left", what, n,
        b.remaining());
    return (int) n;
  }

  private static XfsImage decode(ByteBuffer b) {
    XfsImage img = new XfsImage();
    check(b.getInt() == MAGIC, "bad magic");
    int version = b.getInt();
    check(version == VERSION, "unknown version %s", version);
    img.blockSize = b.getInt();
    img.dblocks = b.getLong();
    img.agcount = b.getInt();
    img.agblocks = b.getLong();
    img.headerBlocks = b.getInt();
    img.logStart = b.getLong();
    img.logBlocks = b.getLong();
    img.logHead = b.getLong();
    img.agRotor = b.getInt();
    img.rootIno = b.getLong();
    check(img.agcount >= 1 && img.agcount <= 1024, "agcount %s", img.agcount);
    check(img.agblocks > 0 && img.dblocks > 0 && img.agblocks * img.agcount >= img.dblocks,
        "geometry %s blocks in %s AGs of %s", img.dblocks, img.agcount, img.agblocks);
    check(img.agcount * (long) AG_BYTES <= b.remaining(), "agcount %s exceeds the image",
        img.agcount);
    check(img.logHead >= 0 && img.logHead < img.logBlocks, "log head %s", img.logHead);
    check(img.agRotor >= 0 && img.agRotor < img.agcount, "AG rotor %s", img.agRotor);
    img.nextAgino = new long[img.agcount];
    for (int a = 0; a < img.agcount; a++) {
      long start = b.getLong();
      long len = b.getLong();
      check(start == a * img.agblocks && len > 0 && len <= img.agblocks
          && start + len <= img.dblocks, "AG %s at %s+%s", a, start, len);
      img.nextAgino[a] = b.getLong();
      AllocGroup ag = new AllocGroup(a, start, len);
      int n = count(b, FREE_BYTES, "AG " + a + " free extent");
      for (int i = 0; i < n; i++) {
        long fs = b.getLong();
        long fl = b.getLong();
        check(fl > 0 && fs >= start && fs + fl <= start + len, "AG %s free extent %s+%s", a,
            fs, fl);
        int merges = ag.free(fs, fl);
        check(merges == 0, "AG %s free extent %s+%s touches another", a, fs, fl);
      }
      img.ags.add(ag);
    }
    int ninodes = count(b, DINODE_BYTES, "inode");
    for (int i = 0; i < ninodes; i++) {
      XfsImage.Dinode d = new XfsImage.Dinode();
      d.ino = b.getLong();
      int type = b.get();
      check(type == 1 || type == 2, "inode %s has type %s", d.ino, type);
      d.type = type == 2 ? FileType.DIRECTORY : FileType.REGULAR;
      d.mode = b.getInt();
      d.uid = b.getInt();
      d.gid = b.getInt();
      d.nlink = b.getInt();
      d.size = b.getLong();
      d.atime = b.getLong();
      d.mtime = b.getLong();
      d.ctime = b.getLong();
      int flags = b.get();
      check((flags & ~1) == 0, "inode %s has flags %s", d.ino, flags);
      d.preallocFlag = flags == 1;
      check(d.nlink >= 0 && d.size >= 0, "inode %s nlink %s size %s", d.ino, d.nlink, d.size);
      int nextents = count(b, 0, "extent");
      int nentries = count(b, 0, "entry");
      check((long) nextents * EXTENT_BYTES + (long) nentries * ENTRY_MIN_BYTES <= b.remaining(),
          "inode %s: %s extents and %s entries exceed the %s bytes left", d.ino, nextents,
          nentries, b.remaining());
      ExtentMap.State[] states = ExtentMap.State.values();
      for (int e = 0; e < nextents; e++) {
        long off = b.getLong();
        long start = b.getLong();
        long len = b.getLong();
        int st = b.get();
        long indlen = b.getLong();
        // Delayed records live in memory only: the disk knows written and unwritten.
        check(st == 0 || st == 1, "inode %s extent state %s", d.ino, st);
        check(off >= 0 && start >= 0 && start + len <= img.dblocks,
            "inode %s extent %s+%s at %s", d.ino, start, len, off);
        d.extents.insert(new ExtentMap.Irec(off, start, len, states[st], indlen));
      }
      for (int e = 0; e < nentries; e++) {
        int nameLen = Short.toUnsignedInt(b.getShort());
        check(nameLen >= 1 && nameLen <= NAME_MAX && nameLen + 8 <= b.remaining(),
            "inode %s entry name of %s bytes", d.ino, nameLen);
        byte[] name = new byte[nameLen];
        b.get(name);
        String s = new String(name, StandardCharsets.UTF_8);
        check(Arrays.equals(s.getBytes(StandardCharsets.UTF_8), name) && s.indexOf('/') < 0,
            "inode %s has a malformed entry name", d.ino);
        check(d.entries.put(s, b.getLong()) == null, "inode %s has two entries %s", d.ino, s);
      }
      check(d.type == FileType.DIRECTORY || nentries == 0, "file %s has entries", d.ino);
      check(img.inodes.put(d.ino, d) == null, "inode %s twice", d.ino);
    }
    check(!b.hasRemaining(), "%s bytes after the last inode", b.remaining());
    XfsImage.Dinode root = img.inodes.get(img.rootIno);
    check(root != null && root.type == FileType.DIRECTORY, "no root directory %s", img.rootIno);
    return img;
  }
}
