package org.vfsim.ext2ish;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-core copies of what an ext2 filesystem keeps on disk (the kernel's {@code
 * ext2_sb_info}, group descriptors, bitmaps, in-core inodes and indirect blocks): built by mkfs
 * or read from the device at mount, changed by the allocator, and encoded back into blocks by
 * {@link MetadataTracker} when a block is written. The device's blocks are the only truth.
 */
final class FsState {

  final Geometry geo;
  final BitSet[] blockBitmap;
  final BitSet[] inodeBitmap;
  /**
   * Free blocks that may still hold an old owner's bytes; they are discarded when allocated, so
   * a block whose new data never reached the disk reads as zeros, not as someone else's data.
   */
  final BitSet[] staleFree;
  /** EXT2_VALID_FS: set by mkfs and a clean unmount, cleared while mounted. */
  boolean valid = true;
  final int[] freeBlocks;
  final int[] freeInodes;
  final int[] usedDirs;
  long freeBlocksCount;
  long freeInodesCount;
  final Map<Long, InodeRecord> inodes = new TreeMap<>();
  /** Indirect blocks by block number: each holds {@code blockSize / 4} block pointers. */
  final Map<Long, long[]> indirect = new HashMap<>();
  /** Directory blocks by block number: which directory and which of its blocks. */
  final Map<Long, DirBlockRef> dirBlocks = new HashMap<>();
  /** The superblock's scalar fields that are not counts (times, mount count, options). */
  final SuperFields sf = new SuperFields();

  /** A directory block's owner and its index in the directory. */
  record DirBlockRef(long ino, int index) {}

  FsState(Geometry geo) {
    this.geo = geo;
    int g = geo.groups;
    blockBitmap = new BitSet[g];
    inodeBitmap = new BitSet[g];
    staleFree = new BitSet[g];
    freeBlocks = new int[g];
    freeInodes = new int[g];
    usedDirs = new int[g];
    for (int i = 0; i < g; i++) {
      blockBitmap[i] = new BitSet(geo.blocksInGroup(i));
      blockBitmap[i].set(0, geo.overheadOf(i));
      inodeBitmap[i] = new BitSet(geo.inodesPerGroup);
      staleFree[i] = new BitSet(geo.blocksInGroup(i));
      freeBlocks[i] = geo.blocksInGroup(i) - geo.overheadOf(i);
      freeInodes[i] = geo.inodesPerGroup;
      freeBlocksCount += freeBlocks[i];
      freeInodesCount += freeInodes[i];
    }
    // Inodes 1..10 are reserved (the root, 2, is among them).
    inodeBitmap[0].set(0, Geometry.FIRST_INO - 1);
    freeInodes[0] -= Geometry.FIRST_INO - 1;
    freeInodesCount -= Geometry.FIRST_INO - 1;
  }

  /**
   * Mount: after anything but a clean unmount, any free block may hold bytes written after the
   * image was stored, so all of them count as stale.
   */
  void mounted() {
    if (!valid) {
      for (int g = 0; g < geo.groups; g++) {
        staleFree[g].set(0, geo.blocksInGroup(g));
        staleFree[g].andNot(blockBitmap[g]);
      }
    }
    valid = false;
  }

  /** Blocks taken by superblock backups, descriptor tables, bitmaps and inode tables. */
  long overheadBlocks() {
    long n = 0;
    for (int i = 0; i < geo.groups; i++) {
      n += geo.overheadOf(i);
    }
    return n;
  }
}
