package org.vfsim.ext2ish;

import java.util.BitSet;
import java.util.List;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.block.BufferHead;
import org.vfsim.syscall.Errno;

/**
 * {@code ext2_fill_super} plus the in-core caches the simulation keeps: reads the superblock,
 * the group descriptors, both bitmaps of every group, every inode the inode bitmap marks in use,
 * their indirect blocks and the directory blocks, all through the buffer cache. Nothing but the
 * device's blocks is consulted.
 */
final class MountReader {
  /** Clean buffers the mounted filesystem's cache keeps. */
  static final int CACHE_BUFFERS = 4096;

  private MountReader() {}

  /** The superblock's bytes: 1024 bytes at byte 1024, whatever the block size. */
  static FsState readSuper(BlockDevice dev) {
    if (dev.sizeBytes() < 2048) {
      throw Errno.EINVAL.exception("device too small for an ext2 superblock");
    }
    byte[] sb = new byte[SuperBlockCodec.SUPER_SIZE];
    int dbs = dev.blockSize();
    byte[] blk = new byte[Math.max(dbs, 2048)];
    int n = Math.max(1, 2048 / dbs);
    dev.read(0, blk, 0, n, org.vfsim.block.IoKind.METADATA);
    System.arraycopy(blk, SuperBlockCodec.SUPER_OFFSET, sb, 0, SuperBlockCodec.SUPER_SIZE);
    return SuperBlockCodec.decode(sb, 0, dev.sizeBytes());
  }

  static FsState read(BlockDevice dev, BufferCache cache) {
    FsState s = readSuper(dev);
    Geometry geo = s.geo;
    for (int i = 0; i < geo.gdtBlocks; i++) {
      BufferHead bh = cache.bread(geo.superBlockBlock() + 1 + i);
      try {
        SuperBlockCodec.decodeDescriptors(s, bh.data(), i);
      } finally {
        bh.release();
      }
    }
    // ext2_fill_super sums the descriptors' counts; the superblock's copy may be stale.
    s.freeBlocksCount = 0;
    s.freeInodesCount = 0;
    for (int g = 0; g < geo.groups; g++) {
      s.freeBlocksCount += s.freeBlocks[g];
      s.freeInodesCount += s.freeInodes[g];
    }
    // ext2_fill_super reads only the descriptors; a bitmap is read when first used.
    s.reader = (g, inodes) -> inodes
        ? readBitmap(cache, geo.inodeBitmap(g), geo.inodesPerGroup)
        : readBitmap(cache, geo.blockBitmap(g), geo.blocksInGroup(g));
    for (int g = 0; g < geo.groups; g++) {
      // A clean filesystem's descriptor tells a group with no inode in use; after a crash the
      // descriptor may lag its bitmap, so every bitmap is read (and let go again).
      boolean noInodes = s.uninitBg && (s.flags[g] & FsState.INODE_UNINIT) != 0
          || s.valid && s.freeInodes[g] == geo.inodesPerGroup;
      if (noInodes && g != 0) {
        continue;
      }
      BitSet ib = s.peekInodeBitmap(g);
      for (int i = ib.nextSetBit(0); i >= 0 && i < geo.inodesPerGroup; i = ib.nextSetBit(i + 1)) {
        long ino = (long) g * geo.inodesPerGroup + i + 1;
        if (ino < Geometry.FIRST_INO && ino != Geometry.ROOT_INO) {
          continue; // reserved inodes: bad blocks, ACLs, resize, journal (none here)
        }
        InodeRecord rec = readInode(cache, geo, ino);
        if (rec != null) {
          s.inodes.put(ino, rec);
        }
      }
    }
    if (!s.inodes.containsKey(Geometry.ROOT_INO) || !s.inodes.get(Geometry.ROOT_INO).dir) {
      throw Errno.EUCLEAN.exception("ext2: root inode 2 is not a directory in use");
    }
    for (InodeRecord rec : s.inodes.values()) {
      readIndirect(s, cache, rec);
    }
    BlockMap lookup = new BlockMap(s, null, null, null);
    for (InodeRecord rec : s.inodes.values()) {
      if (rec.dir) {
        readDirectory(s, cache, lookup, rec);
      }
    }
    return s;
  }

  private static BitSet readBitmap(BufferCache cache, long block, int valid) {
    BufferHead bh = cache.bread(block);
    try {
      return MetadataTracker.decodeBitmap(bh.data(), valid);
    } finally {
      bh.release();
    }
  }

  /** The inode, or null if its slot holds no live inode (a crash left the bitmap ahead). */
  static InodeRecord readInode(BufferCache cache, Geometry geo, long ino) {
    BufferHead bh = cache.bread(geo.inodeBlock(ino));
    try {
      int off = geo.inodeOffset(ino);
      if (!InodeCodec.inUse(bh.data(), off)) {
        return null;
      }
      return InodeCodec.decode(ino, bh.data(), off, geo.blockSize);
    } finally {
      bh.release();
    }
  }

  /** Reads the single, double and triple indirect trees; pointers outside the device: EUCLEAN. */
  private static void readIndirect(FsState s, BufferCache cache, InodeRecord rec) {
    for (int i = 0; i < 15; i++) {
      checkPointer(s, rec, rec.data[i]);
    }
    for (int d = 1; d <= 3; d++) {
      readTree(s, cache, rec, rec.data[InodeRecord.NDIR + d - 1], d);
    }
  }

  private static void readTree(FsState s, BufferCache cache, InodeRecord rec, long blk,
      int depth) {
    if (blk == 0 || s.indirect.containsKey(blk)) {
      return;
    }
    int n = s.geo.pointersPerBlock();
    long[] ptrs = new long[n];
    BufferHead bh = cache.bread(blk);
    try {
      for (int i = 0; i < n; i++) {
        ptrs[i] = Le.u32(bh.data(), 4 * i);
        checkPointer(s, rec, ptrs[i]);
      }
    } finally {
      bh.release();
    }
    s.indirect.put(blk, ptrs);
    if (depth > 1) {
      for (long c : ptrs) {
        readTree(s, cache, rec, c, depth - 1);
      }
    }
  }

  private static void checkPointer(FsState s, InodeRecord rec, long p) {
    if (p != 0 && (p < s.geo.firstDataBlock || p >= s.geo.blocksCount)) {
      throw Errno.EUCLEAN.exception(String.format(
          "ext2: inode %d maps block %d outside the filesystem (%d blocks)", rec.ino, p,
          s.geo.blocksCount));
    }
  }

  private static void readDirectory(FsState s, BufferCache cache, BlockMap map,
      InodeRecord dir) {
    int bs = s.geo.blockSize;
    int nblocks = (int) (dir.size / bs);
    dir.parent = dir.ino == Geometry.ROOT_INO ? dir.ino : 0;
    for (int i = 0; i < nblocks; i++) {
      dir.addDirBlock();
      long phys = map.lookup(dir, i);
      if (phys == 0) {
        continue; // a hole in a directory: e2fsck's to fix; nothing to read
      }
      s.dirBlocks.put(phys, new FsState.DirBlockRef(dir.ino, i));
      BufferHead bh = cache.bread(phys);
      List<DirBlockCodec.Entry> entries;
      try {
        entries = DirBlockCodec.decode(bh.data(), dir.ino, i);
      } finally {
        bh.release();
      }
      int used = 0;
      for (DirBlockCodec.Entry e : entries) {
        if (i == 0 && (e.name().equals(".") || e.name().equals(".."))) {
          if (e.name().equals("..")) {
            dir.parent = e.ino();
          }
          used += InodeRecord.recLen(e.name());
          continue;
        }
        InodeRecord target = s.inodes.get(e.ino());
        boolean isDir = target != null ? target.dir : e.fileType() == DirBlockCodec.FT_DIR;
        int len = InodeRecord.recLen(e.name());
        InodeRecord.DirSlot old = dir.entries.put(e.name(),
            new InodeRecord.DirSlot(e.ino(), isDir, i, len));
        if (old != null) {
          throw Errno.EUCLEAN.exception(String.format(
              "ext2: directory %d holds the name '%s' twice", dir.ino, e.name()));
        }
        dir.blockNames.get(i).add(e.name());
        used += len;
      }
      dir.dirBlockUse.set(i, used);
    }
  }
}
