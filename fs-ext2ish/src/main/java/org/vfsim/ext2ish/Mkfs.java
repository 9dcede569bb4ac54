package org.vfsim.ext2ish;

import java.util.List;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.block.BufferHead;
import org.vfsim.block.RequestFlag;

/**
 * mke2fs for ext2 revision 1: discards the device, writes the superblock and descriptor table
 * (with backups in groups 0, 1 and powers of 3, 5 and 7), the bitmaps, the root directory
 * (inode 2) and {@code lost+found} (inode 11). Inode tables are zeros: the device was discarded.
 * With uninit_bg only group 0's bitmaps and the last group's block bitmap are written; every
 * other group is marked uninitialised, so a 16 TiB filesystem costs its descriptor tables only.
 */
final class Mkfs {
  private Mkfs() {}

  /** Dirty buffers mkfs lets pile up before writing them (bounded memory on any size). */
  private static final int BATCH = 4096;

  static void format(Machine machine, BlockDevice device, Geometry geo, long reservedPct,
      boolean uninitBg) {
    // mke2fs discards the device first; only blocks holding something need a request.
    List<Long> stored = device.storedBlocks();
    for (int i = 0; i < stored.size(); ) {
      int j = i + 1;
      while (j < stored.size() && stored.get(j) == stored.get(j - 1) + 1) {
        j++;
      }
      device.discard(stored.get(i), j - i);
      i = j;
    }
    FsState img = new FsState(geo);
    img.uninitBg = uninitBg;
    if (uninitBg) {
      // mke2fs: every group uninitialised but group 0 (the root's) and the last group's block
      // bitmap; the discard zeroed every inode table.
      short all = (short) (FsState.INODE_UNINIT | FsState.BLOCK_UNINIT | FsState.ITABLE_ZEROED);
      java.util.Arrays.fill(img.flags, all);
      img.flags[0] = FsState.ITABLE_ZEROED;
      img.flags[geo.groups - 1] &= (short) ~FsState.BLOCK_UNINIT;
    }
    img.reserveFirstInodes();
    long now = machine.clock().seconds();
    SuperFields f = img.sf;
    f.reservedBlocks = geo.blocksCount * reservedPct / 100;
    f.mkfsTime = now;
    f.writeTime = now;
    f.lastCheck = now;
    // A UUID derived from the geometry and the simulated clock: reproducible, never wall time.
    long h = 0x9E3779B97F4A7C15L * (now + 1) ^ geo.blocksCount * 31 ^ device.name().hashCode();
    for (int i = 0; i < 16; i++) {
      h = h * 6364136223846793005L + 1442695040888963407L;
      f.uuid[i] = (byte) (h >>> 56);
    }
    f.uuid[6] = (byte) (f.uuid[6] & 0x0f | 0x40);
    f.uuid[8] = (byte) (f.uuid[8] & 0x3f | 0x80);
    Counters c = new Counters();
    BufferCache cache = new BufferCache(device, geo.blockSize, MountReader.CACHE_BUFFERS);
    MetadataTracker meta = new MetadataTracker(img, cache, c);
    BlockAllocator alloc = new BlockAllocator(machine, device, img, meta, c);
    var k = machine.kernelTask();
    InodeRecord root = new InodeRecord(Geometry.ROOT_INO, true, 0755, now);
    root.parent = Geometry.ROOT_INO;
    root.nlink = 3; // ".", its own "..", and lost+found's ".."
    img.inodes.put(root.ino, root);
    img.usedDirs[0]++;
    InodeRecord lf = new InodeRecord(Geometry.FIRST_INO, true, 0700, now);
    lf.parent = Geometry.ROOT_INO;
    img.inodes.put(lf.ino, lf);
    img.inodeBitmap(0).set((int) lf.ino - 1);
    img.inodeUsed(0, (int) lf.ino - 1);
    img.freeInodes[0]--;
    img.freeInodesCount--;
    img.usedDirs[0]++;
    // mke2fs puts the root directory's block at the first free block of group 0, then
    // lost+found's.
    long next = geo.groupFirst(0) + geo.overheadOf(0);
    for (InodeRecord dir : List.of(root, lf)) {
      long[] block = alloc.newBlocks(k, next, 1, null);
      dir.data[0] = block[0];
      dir.blocks = 1;
      dir.addDirBlock();
      dir.size = geo.blockSize;
      img.dirBlocks.put(block[0], new FsState.DirBlockRef(dir.ino, 0));
      meta.dirty(block[0]);
      next = block[0] + 1;
    }
    root.entries.put("lost+found", new InodeRecord.DirSlot(lf.ino, true, 0,
        InodeRecord.recLen("lost+found")));
    root.blockNames.get(0).add("lost+found");
    root.dirBlockUse.set(0, root.dirBlockUse.get(0) + InodeRecord.recLen("lost+found"));
    meta.writeInode(root, 0);
    meta.writeInode(lf, 0);
    for (int i = 0; i < geo.gdtBlocks; i++) {
      meta.dirty(geo.superBlockBlock() + 1 + i);
    }
    meta.dirtyGroup(0);
    meta.dirtyInodeBitmap(0);
    meta.dirtyGroup(geo.groups - 1);
    int dirtied = 0;
    for (int g = 0; g < geo.groups && !uninitBg; g++) {
      meta.dirty(geo.blockBitmap(g));
      meta.dirty(geo.inodeBitmap(g));
      if ((dirtied += 2) >= BATCH) {
        meta.writeAll();
        dirtied = 0;
      }
    }
    meta.writeAll();
    writeBackups(img, cache);
    cache.writeDirty(RequestFlag.FUA);
    device.flush();
  }

  /** The superblock and descriptor copies of the groups with sparse_super backups. */
  private static void writeBackups(FsState img, BufferCache cache) {
    Geometry geo = img.geo;
    BufferHead primaryGdt;
    for (int g = 1; g < geo.groups; g++) {
      if (!Geometry.hasSuperBackup(g)) {
        continue;
      }
      long first = geo.groupFirst(g);
      BufferHead sb = cache.getblk(first);
      try {
        SuperBlockCodec.encode(img, sb.data(), 0, g);
        sb.markDirty();
      } finally {
        sb.release();
      }
      for (int i = 0; i < geo.gdtBlocks; i++) {
        primaryGdt = cache.bread(geo.superBlockBlock() + 1 + i);
        BufferHead copy = cache.getblk(first + 1 + i);
        try {
          System.arraycopy(primaryGdt.data(), 0, copy.data(), 0, geo.blockSize);
          copy.markDirty();
        } finally {
          copy.release();
          primaryGdt.release();
        }
      }
      if (cache.dirtyCount() >= BATCH) {
        cache.writeDirty();
      }
    }
  }

}
