package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.block.BufferHead;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.Errno;

/**
 * mkfs and mount ({@code xfs_mount.c}, {@code xfs_ialloc.c} reading): the geometry in the
 * superblock, then per AG the AGF with its free-space trees, the AGI with its inode tree, and
 * every inode in the chunks it names, rebuilt into the in-core model after log recovery.
 */
final class XfsMount {
  static final int HEADER_BLOCKS = 8;
  static final long AGF = 1;
  static final long AGI = 2;
  static final long BNO_ROOT = 3;
  static final long CNT_ROOT = 4;
  static final long INO_ROOT = 5;
  /** Buffers kept clean in the cache beyond the dirty ones (the whole model is in core). */
  static final int CACHE_CAPACITY = 1024;

  private XfsMount() {}

  /** Everything mount read: geometry, AGs, inodes, and the cache and log to go on with. */
  static final class Loaded {
    int bs;
    long dblocks;
    int agcount;
    long agblocks;
    long logStart;
    long logBlocks;
    long rootIno;
    List<AllocGroup> ags = new ArrayList<>();
    long[] nextAgino;
    List<InodeBuf.Dinode> inodes = new ArrayList<>();
    BufferCache cache;
    /** How this load reads a block (verified by the caller): the cache, or fsck's view. */
    java.util.function.BiFunction<Long, String, byte[]> reader;
    XfsLog log;
    LogRecovery.Result recovery;
  }

  static long chunkBlocks(int bs) {
    return (long) InodeBuf.INODES_PER_CHUNK * InodeBuf.ISIZE / bs;
  }

  static long logBlocksFor(long dblocks, long agblocks) {
    long want = Math.max(64, Math.min(dblocks / 128, 16384));
    return Math.min(want, Math.max(64, agblocks / 2));
  }

  // ---- mkfs ----------------------------------------------------------------------------------

  /**
   * Writes an empty filesystem: the superblock, every AG's headers and tree roots, the root
   * directory's chunk and an empty log.
   */
  static void mkfs(BlockDevice dev, int agcount, long now) {
    int bs = dev.blockSize();
    if (Integer.bitCount(bs) != 1 || bs < 512 || bs > org.vfsim.pagecache.Folio.SIZE) {
      throw Errno.EINVAL.exception("xfsish block size must be a power of two from 512 to the"
          + " page size (4096): " + bs);
    }
    long dblocks = dev.blocks();
    long agblocks = (dblocks + agcount - 1) / agcount;
    long logBlocks = logBlocksFor(dblocks, agblocks);
    int logAg = agcount / 2;
    long logStart = logAg * agblocks + HEADER_BLOCKS;
    long cb = chunkBlocks(bs);
    BufferCache cache = new BufferCache(dev, bs, CACHE_CAPACITY);
    long rootChunk = (logAg == 0 ? logStart + logBlocks : HEADER_BLOCKS);
    long rootIno = InodeBuf.FIRST_AGINO;
    for (int a = 0; a < agcount; a++) {
      long start = a * agblocks;
      long len = Math.min(agblocks, dblocks - start);
      long minimum = HEADER_BLOCKS + (a == logAg ? logBlocks : 0) + (a == 0 ? cb : 0) + 16;
      if (len < minimum) {
        throw Errno.EINVAL.exception("AG " + a + " of " + len + " blocks is too small");
      }
      AllocGroup ag = new AllocGroup(a, start, len);
      long first = start + HEADER_BLOCKS + (a == logAg ? logBlocks : 0);
      ag.free(first, start + len - first);
      if (a == 0) {
        ag.take(rootChunk, cb);
        ag.chunks.put((long) InodeBuf.FIRST_AGINO, new long[] {rootChunk, ~1L});
      }
      Map<Long, byte[]> blocks = new LinkedHashMap<>();
      agfImages(ag, bs, 0, new TreeMap<>(ag.bno), blocks);
      agiImages(ag, bs, 0, InodeBuf.FIRST_AGINO + (a == 0 ? InodeBuf.INODES_PER_CHUNK : 0),
          blocks);
      for (Map.Entry<Long, byte[]> e : blocks.entrySet()) {
        put(cache, e.getKey(), e.getValue());
      }
    }
    byte[] sb = new byte[bs];
    XfsBuf.le(sb).putInt(40, bs).putInt(44, agcount).putLong(48, dblocks).putLong(56, agblocks)
        .putInt(64, HEADER_BLOCKS).putInt(68, InodeBuf.ISIZE).putLong(72, logStart)
        .putLong(80, logBlocks).putLong(88, rootIno);
    XfsBuf.stamp(sb, XfsBuf.SB_MAGIC, 0, XfsBuf.OWNER_FS, 0);
    put(cache, 0, sb);
    // The root directory's chunk: the root, then 63 free inodes.
    for (long k = 0; k < cb; k++) {
      byte[] blk = new byte[bs];
      for (int slot = 0; slot < bs / InodeBuf.ISIZE; slot++) {
        long ino = rootIno + k * (bs / InodeBuf.ISIZE) + slot;
        if (ino == rootIno) {
          InodeBuf.Dinode d = new InodeBuf.Dinode();
          d.ino = ino;
          d.type = FileType.DIRECTORY;
          d.mode = 0755;
          d.nlink = 2;
          d.atime = now;
          d.mtime = now;
          d.ctime = now;
          d.size = InodeBuf.sfSize(d.entries);
          InodeBuf.encode(d, InodeBuf.FMT_LOCAL, 0, InodeBuf.encodeShortform(d.entries),
              rootChunk + k, 0, blk, slot * InodeBuf.ISIZE);
        } else {
          InodeBuf.encodeFree(ino, rootChunk + k, blk, slot * InodeBuf.ISIZE);
        }
      }
      put(cache, rootChunk + k, blk);
    }
    cache.writeDirty();
    // An empty log: one cover checkpoint at its start, whose tail is itself.
    XfsLog log = new XfsLog(dev, cache, logStart, logBlocks, 1, 0, 0);
    log.writeCheckpoint(Map.of());
    dev.flush();
  }

  private static void put(BufferCache cache, long blkno, byte[] image) {
    BufferHead bh = cache.getblk(blkno);
    System.arraycopy(image, 0, bh.data(), 0, image.length);
    bh.markDirty();
    bh.release();
  }

  // ---- the AG headers and their trees -------------------------------------------------------

  static byte[] freeRec(long start, long len) {
    byte[] r = new byte[16];
    XfsBuf.le(r).putLong(0, start).putLong(8, len);
    return r;
  }

  /**
   * The images of an AG's AGF, bnobt and cntbt for free extents {@code free} (start to length,
   * busy ones included); blocks below the roots are the AG's {@code bnoBlocks} and
   * {@code cntBlocks}, which the caller sized.
   */
  static void agfImages(AllocGroup ag, int bs, long lsn, TreeMap<Long, Long> free,
      Map<Long, byte[]> out) {
    List<byte[]> bno = new ArrayList<>();
    List<long[]> byCnt = new ArrayList<>();
    long sum = 0;
    long longest = 0;
    for (Map.Entry<Long, Long> e : free.entrySet()) {
      bno.add(freeRec(e.getKey(), e.getValue()));
      byCnt.add(new long[] {e.getValue(), e.getKey()});
      sum += e.getValue();
      longest = Math.max(longest, e.getValue());
    }
    byCnt.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    List<byte[]> cnt = new ArrayList<>();
    for (long[] c : byCnt) {
      cnt.add(freeRec(c[1], c[0]));
    }
    List<Long> bb = new ArrayList<>(ag.bnoBlocks);
    bb.add(ag.agStart + BNO_ROOT);
    List<Long> cbk = new ArrayList<>(ag.cntBlocks);
    cbk.add(ag.agStart + CNT_ROOT);
    Btree.Built b = Btree.build(Btree.BNO, bs, ag.agno, lsn, bno, bb, 0);
    Btree.Built c = Btree.build(Btree.CNT, bs, ag.agno, lsn, cnt, cbk, 0);
    out.putAll(b.images());
    out.putAll(c.images());
    byte[] agf = new byte[bs];
    XfsBuf.le(agf).putInt(40, ag.agno).putInt(44, b.rootLevel()).putLong(48, ag.agBlocks)
        .putInt(56, c.rootLevel()).putInt(60, ag.bnoBlocks.size() + ag.cntBlocks.size())
        .putLong(64, sum).putLong(72, longest).putInt(80, bno.size());
    XfsBuf.stamp(agf, XfsBuf.AGF_MAGIC, ag.agStart + AGF, ag.agno, lsn);
    out.put(ag.agStart + AGF, agf);
  }

  /**
   * The images of an AG's AGI and inobt; {@code nextAgino} is the first AG inode number no
   * chunk covers yet.
   */
  static void agiImages(AllocGroup ag, int bs, long lsn, long nextAgino, Map<Long, byte[]> out) {
    List<byte[]> recs = new ArrayList<>();
    long freecount = 0;
    for (Map.Entry<Long, long[]> c : ag.chunks.entrySet()) {
      byte[] r = new byte[24];
      XfsBuf.le(r).putLong(0, c.getKey()).putLong(8, c.getValue()[0])
          .putLong(16, c.getValue()[1]);
      recs.add(r);
      freecount += Long.bitCount(c.getValue()[1]);
    }
    int chunks = recs.size();
    List<Long> ib = new ArrayList<>(ag.inoBlocks);
    ib.add(ag.agStart + INO_ROOT);
    Btree.Built b = Btree.build(Btree.INO, bs, ag.agno, lsn, recs, ib, 0);
    out.putAll(b.images());
    byte[] agi = new byte[bs];
    XfsBuf.le(agi).putInt(40, ag.agno).putInt(44, b.rootLevel()).putLong(48, ag.agBlocks)
        .putLong(56, (long) chunks * InodeBuf.INODES_PER_CHUNK).putLong(64, freecount)
        .putLong(72, nextAgino).putInt(80, ag.inoBlocks.size()).putInt(84, chunks);
    XfsBuf.stamp(agi, XfsBuf.AGI_MAGIC, ag.agStart + AGI, ag.agno, lsn);
    out.put(ag.agStart + AGI, agi);
  }

  // ---- mount ---------------------------------------------------------------------------------

  /** Reads a verified block through the cache (a copy), or EUCLEAN if it lies outside. */
  static byte[] read(BufferCache cache, long blkno, String what) {
    if (blkno < 0 || blkno >= cache.blocks()) {
      throw XfsBuf.corrupt(blkno, what, "is outside the device");
    }
    BufferHead bh = cache.bread(blkno);
    try {
      return bh.data().clone();
    } finally {
      bh.release();
    }
  }

  /** Mount: superblock, log recovery, then the whole metadata into the in-core model. */
  static Loaded load(BlockDevice dev) {
    int bs = dev.blockSize();
    BufferCache cache = new BufferCache(dev, bs, CACHE_CAPACITY);
    byte[] sb = read(cache, 0, "superblock");
    ByteBuffer h = XfsBuf.le(sb);
    if (h.getInt(XfsBuf.MAGIC) != XfsBuf.SB_MAGIC) {
      throw Errno.EINVAL.exception("no xfsish filesystem on " + dev.name());
    }
    XfsBuf.verify(sb, XfsBuf.SB_MAGIC, 0, XfsBuf.OWNER_FS, "superblock");
    Loaded l = new Loaded();
    l.bs = h.getInt(40);
    l.agcount = h.getInt(44);
    l.dblocks = h.getLong(48);
    l.agblocks = h.getLong(56);
    int headers = h.getInt(64);
    l.logStart = h.getLong(72);
    l.logBlocks = h.getLong(80);
    l.rootIno = h.getLong(88);
    if (l.bs != bs || l.dblocks != dev.blocks() || l.agcount < 1 || l.agcount > 1024
        || l.agblocks * l.agcount < l.dblocks || headers != HEADER_BLOCKS
        || l.logBlocks < 8 || l.logStart < 1 || l.logStart + l.logBlocks > l.dblocks
        || h.getInt(68) != InodeBuf.ISIZE) {
      throw XfsBuf.corrupt(0, "superblock", "has a geometry (" + l.bs + "-byte blocks, "
          + l.dblocks + " blocks, " + l.agcount + " AGs, log " + l.logStart + "+"
          + l.logBlocks + ") that does not fit " + dev.name());
    }
    l.cache = cache;
    l.reader = (b, what) -> read(cache, b, what);
    l.recovery = LogRecovery.recover(dev, cache, l.logStart, l.logBlocks);
    l.log = new XfsLog(dev, cache, l.logStart, l.logBlocks, l.recovery.nextSeq(),
        l.recovery.headPos(), l.recovery.tailPos());
    readAgs(l);
    return l;
  }

  /** Reads every AG and inode through {@code l.reader} into {@code l}. */
  static void readAgs(Loaded l) {
    l.nextAgino = new long[l.agcount];
    try {
      for (int a = 0; a < l.agcount; a++) {
        readAg(l, a);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Errno.EUCLEAN.exception("xfsish: inconsistent metadata: " + e.getMessage());
    }
  }

  private static void readAg(Loaded l, int a) {
    java.util.function.BiFunction<Long, String, byte[]> rd = l.reader;
    int bs = l.bs;
    long start = a * l.agblocks;
    long len = Math.min(l.agblocks, l.dblocks - start);
    AllocGroup ag = new AllocGroup(a, start, len);
    byte[] agf = rd.apply(start + AGF, "AGF " + a);
    XfsBuf.verify(agf, XfsBuf.AGF_MAGIC, start + AGF, a, "AGF " + a);
    ByteBuffer f = XfsBuf.le(agf);
    if (f.getInt(40) != a || f.getLong(48) != len) {
      throw XfsBuf.corrupt(start + AGF, "AGF " + a, "describes AG " + f.getInt(40) + " of "
          + f.getLong(48) + " blocks");
    }
    List<byte[]> bno = Btree.read(Btree.BNO, bs, b -> rd.apply(b, "bnobt"), a,
        start + BNO_ROOT, 0, List.of(), ag.bnoBlocks);
    List<byte[]> cnt = Btree.read(Btree.CNT, bs, b -> rd.apply(b, "cntbt"), a,
        start + CNT_ROOT, 0, List.of(), ag.cntBlocks);
    long sum = 0;
    for (byte[] r : bno) {
      ByteBuffer rb = XfsBuf.le(r);
      long s = rb.getLong(0);
      long n = rb.getLong(8);
      if (n <= 0 || s < start || s + n > start + len) {
        throw XfsBuf.corrupt(start + BNO_ROOT, "bnobt", "has free extent " + s + "+" + n
            + " outside AG " + a);
      }
      if (ag.free(s, n) != 0) {
        throw XfsBuf.corrupt(start + BNO_ROOT, "bnobt", "has free extent " + s + "+" + n
            + " touching another");
      }
      sum += n;
    }
    // The cntbt holds the same extents as the bnobt, ordered by length, then start.
    List<long[]> byCnt = new ArrayList<>();
    for (Map.Entry<Long, Long> e : ag.bno.entrySet()) {
      byCnt.add(new long[] {e.getKey(), e.getValue()});
    }
    byCnt.sort((x, y) -> x[1] != y[1] ? Long.compare(x[1], y[1]) : Long.compare(x[0], y[0]));
    boolean same = cnt.size() == byCnt.size();
    for (int k = 0; same && k < cnt.size(); k++) {
      ByteBuffer rb = XfsBuf.le(cnt.get(k));
      same = rb.getLong(0) == byCnt.get(k)[0] && rb.getLong(8) == byCnt.get(k)[1];
    }
    if (!same) {
      throw XfsBuf.corrupt(start + CNT_ROOT, "cntbt", "disagrees with the bnobt of AG " + a);
    }
    if (sum != f.getLong(64)) {
      throw XfsBuf.corrupt(start + AGF, "AGF " + a, "counts " + f.getLong(64)
          + " free blocks, the bnobt " + sum);
    }
    byte[] agi = rd.apply(start + AGI, "AGI " + a);
    XfsBuf.verify(agi, XfsBuf.AGI_MAGIC, start + AGI, a, "AGI " + a);
    ByteBuffer g = XfsBuf.le(agi);
    l.nextAgino[a] = g.getLong(72);
    List<byte[]> ino = Btree.read(Btree.INO, bs, b -> rd.apply(b, "inobt"), a,
        start + INO_ROOT, 0, List.of(), ag.inoBlocks);
    long cb = chunkBlocks(bs);
    int perBlock = bs / InodeBuf.ISIZE;
    for (byte[] r : ino) {
      ByteBuffer rb = XfsBuf.le(r);
      long first = rb.getLong(0);
      long blk = rb.getLong(8);
      long mask = rb.getLong(16);
      if (blk < start || blk + cb > start + len || first >= l.nextAgino[a]) {
        throw XfsBuf.corrupt(start + INO_ROOT, "inobt", "has chunk " + first + " at " + blk);
      }
      ag.chunks.put(first, new long[] {blk, mask});
      for (int i = 0; i < InodeBuf.INODES_PER_CHUNK; i++) {
        if ((mask & (1L << i)) != 0) {
          continue;
        }
        long ino64 = ((long) a << 32) | (first + i);
        long iblk = blk + i / perBlock;
        byte[] b = rd.apply(iblk, "inode " + ino64);
        InodeBuf.Core c = InodeBuf.verify(b, (i % perBlock) * InodeBuf.ISIZE, ino64, iblk);
        if (c.free()) {
          throw XfsBuf.corrupt(iblk, "inode " + ino64, "is free but the inobt says in use");
        }
        l.inodes.add(readInode(l, ino64, iblk, c));
      }
    }
    l.ags.add(ag);
  }

  private static InodeBuf.Dinode readInode(Loaded l, long ino, long blkno, InodeBuf.Core c) {
    InodeBuf.Dinode d = InodeBuf.core(ino, blkno, c);
    List<ExtentMap.Irec> recs = new ArrayList<>();
    byte[] raw = c.raw();
    switch (c.format()) {
      case InodeBuf.FMT_LOCAL -> {
        if (d.type != FileType.DIRECTORY) {
          throw XfsBuf.corrupt(blkno, "inode " + ino, "is a file in local format");
        }
        d.entries = InodeBuf.decodeShortform(raw, ino, blkno);
        return d;
      }
      case InodeBuf.FMT_EXTENTS -> {
        if (c.nrecs() > InodeBuf.INLINE_EXTENTS) {
          throw XfsBuf.corrupt(blkno, "inode " + ino, "has " + c.nrecs() + " inline extents");
        }
        for (int k = 0; k < c.nrecs(); k++) {
          recs.add(InodeBuf.unpackExtent(raw, InodeBuf.CORE + k * InodeBuf.EXTENT_BYTES));
        }
      }
      case InodeBuf.FMT_BTREE -> {
        ByteBuffer h = XfsBuf.le(raw);
        int level = h.getShort(InodeBuf.CORE);
        int n = Short.toUnsignedInt(h.getShort(InodeBuf.CORE + 2));
        if (level < 1 || level > 8 || n < 1 || n > InodeBuf.BMDR_ENTRIES) {
          throw XfsBuf.corrupt(blkno, "inode " + ino, "has a bmbt root of level " + level
              + " with " + n + " entries");
        }
        List<byte[]> entries = new ArrayList<>();
        int es = Btree.BMAP.recSize() + Btree.PTR;
        for (int k = 0; k < n; k++) {
          byte[] e = new byte[es];
          System.arraycopy(raw, InodeBuf.CORE + 4 + k * es, e, 0, es);
          entries.add(e);
        }
        for (byte[] r : Btree.read(Btree.BMAP, l.bs, b -> l.reader.apply(b, "bmbt"), ino, -1,
            level, entries, d.bmbtBlocks)) {
          recs.add(InodeBuf.unpackExtent(r, 0));
        }
        if (recs.size() != c.nrecs()) {
          throw XfsBuf.corrupt(blkno, "inode " + ino, "counts " + c.nrecs()
              + " extents, its bmbt holds " + recs.size());
        }
      }
      default -> throw XfsBuf.corrupt(blkno, "inode " + ino, "has data fork format "
          + c.format());
    }
    try {
      for (ExtentMap.Irec r : recs) {
        if (r.start() + r.len() > l.dblocks) {
          throw XfsBuf.corrupt(blkno, "inode " + ino, "maps " + r + " past the device");
        }
        if (d.type == FileType.DIRECTORY) {
          for (long k = 0; k < r.len(); k++) {
            if (r.off() + k != d.dirBlocks.size()) {
              throw XfsBuf.corrupt(blkno, "inode " + ino, "has a hole in its directory");
            }
            d.dirBlocks.add(r.start() + k);
          }
        } else {
          d.extents.insert(r);
        }
      }
    } catch (IllegalArgumentException e) {
      throw XfsBuf.corrupt(blkno, "inode " + ino, "has overlapping extents: " + e.getMessage());
    }
    if (d.type == FileType.DIRECTORY) {
      d.dir = new DirBlocks(l.bs);
      for (long b : d.dirBlocks) {
        d.dir.decode(l.reader.apply(b, "directory block"), b, ino, d.entries);
      }
    }
    return d;
  }
}
