package org.vfsim.ext2ish;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The in-core copies of what an ext2 filesystem keeps on disk (the kernel's {@code
 * ext2_sb_info}, group descriptors, bitmaps, in-core inodes and indirect blocks): built by mkfs
 * or read from the device at mount, changed by the allocator, and encoded back into blocks by
 * {@link MetadataTracker} when a block is written. The device's blocks are the only truth.
 *
 * <p>A group's bitmaps come into core on first use, as {@code read_block_bitmap} reads them:
 * a 16 TiB filesystem has 131,072 groups and a write touches a few. A group whose bitmap was
 * never read is what its descriptor says: fresh (only its own metadata in use) when the group is
 * uninitialised or the filesystem was just made, else the bitmap block on disk.
 */
final class FsState {
  /** bg_flags (uninit_bg): the inode bitmap is not initialised on disk (all inodes free). */
  static final int INODE_UNINIT = 0x1;
  /** bg_flags (uninit_bg): the block bitmap is not initialised (only the group's metadata used). */
  static final int BLOCK_UNINIT = 0x2;
  /** bg_flags (uninit_bg): the inode table is zeroed. */
  static final int ITABLE_ZEROED = 0x4;

  final Geometry geo;
  /** In-core block bitmaps, null until a group's is first used. */
  private final BitSet[] blockBitmap;
  private final BitSet[] inodeBitmap;
  /**
   * Free blocks that may still hold an old owner's bytes; they are discarded when allocated, so
   * a block whose new data never reached the disk reads as zeros, not as someone else's data.
   * Null: none, or (with {@link #staleAfterCrash}) every free block of the group.
   */
  private final BitSet[] staleFree;
  /** Mounted after an unclean shutdown: every free block not yet looked at is stale. */
  boolean staleAfterCrash;
  /** Reads a group's on-disk bitmap block (block or inode); null while mkfs builds the image. */
  @Nullable BitmapReader reader;
  /** RO_COMPAT_GDT_CSUM (uninit_bg): descriptors carry flags, itable_unused and a checksum. */
  boolean uninitBg;
  /** bg_flags per group (uninit_bg only). */
  final short[] flags;
  /** bg_itable_unused per group: inodes at the end of the table never used (uninit_bg only). */
  final int[] itableUnused;
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
  /** Groups with a bitmap in core (either one): what a bounded-memory check counts. */
  private int materialized;

  /** A directory block's owner and its index in the directory. */
  record DirBlockRef(long ino, int index) {}

  /** Decodes a group's bitmap block from the device (through the buffer cache). */
  interface BitmapReader {
    BitSet read(int group, boolean inodes);
  }

  /** Every group holding only its own metadata (mkfs; mount then reads the descriptors). */
  FsState(Geometry geo) {
    this.geo = geo;
    int g = geo.groups;
    blockBitmap = new BitSet[g];
    inodeBitmap = new BitSet[g];
    staleFree = new BitSet[g];
    flags = new short[g];
    itableUnused = new int[g];
    freeBlocks = new int[g];
    freeInodes = new int[g];
    usedDirs = new int[g];
    for (int i = 0; i < g; i++) {
      freeBlocks[i] = geo.blocksInGroup(i) - geo.overheadOf(i);
      freeInodes[i] = geo.inodesPerGroup;
      itableUnused[i] = geo.inodesPerGroup;
    }
    freeBlocksCount = geo.blocksCount - overheadBlocks();
    freeInodesCount = geo.inodesCount();
  }

  /** mkfs: inodes 1..10 are reserved (the root, 2, is among them). */
  void reserveFirstInodes() {
    inodeBitmap(0).set(0, Geometry.FIRST_INO - 1);
    freeInodes[0] -= Geometry.FIRST_INO - 1;
    freeInodesCount -= Geometry.FIRST_INO - 1;
    itableUnused[0] = geo.inodesPerGroup - (Geometry.FIRST_INO - 1);
  }

  /**
   * An inode of the group comes into use: the group's inode bitmap is initialised, and so is
   * its block bitmap (ext4_new_inode does both), and the never-used tail of its inode table
   * shrinks past the inode.
   */
  void inodeUsed(int g, int idx) {
    if (!uninitBg) {
      return;
    }
    blockBitmap(g);
    inodeBitmap(g);
    flags[g] &= (short) ~(INODE_UNINIT | BLOCK_UNINIT);
    itableUnused[g] = Math.min(itableUnused[g], geo.inodesPerGroup - idx - 1);
  }

  /** A block of the group was allocated or freed: its block bitmap is initialised on disk. */
  void blocksChanged(int g) {
    if (uninitBg && (flags[g] & BLOCK_UNINIT) != 0) {
      blockBitmap(g);
      flags[g] &= (short) ~BLOCK_UNINIT;
    }
  }

  /** The group's block bitmap in core, read (or made fresh) on first use; callers may change it. */
  BitSet blockBitmap(int g) {
    BitSet b = blockBitmap[g];
    if (b == null) {
      b = peekBlockBitmap(g);
      countIn(g);
      blockBitmap[g] = b;
      if (staleAfterCrash && staleFree[g] == null) {
        // Before anything changes the bitmap: every block free now may hold old bytes.
        staleFree[g] = new BitSet(geo.blocksInGroup(g));
        staleFree[g].set(0, geo.blocksInGroup(g));
        staleFree[g].andNot(b);
      }
    }
    return b;
  }

  /** The group's inode bitmap in core, read (or made empty) on first use. */
  BitSet inodeBitmap(int g) {
    BitSet b = inodeBitmap[g];
    if (b == null) {
      b = peekInodeBitmap(g);
      countIn(g);
      inodeBitmap[g] = b;
    }
    return b;
  }

  private void countIn(int g) {
    if (blockBitmap[g] == null && inodeBitmap[g] == null) {
      materialized++;
    }
  }

  /** The group's block bitmap without bringing it into core: read only, do not change it. */
  BitSet peekBlockBitmap(int g) {
    if (blockBitmap[g] != null) {
      return blockBitmap[g];
    }
    if (reader == null || (flags[g] & BLOCK_UNINIT) != 0) {
      return freshBlockBitmap(g);
    }
    return reader.read(g, false);
  }

  /** The group's inode bitmap without bringing it into core: read only. */
  BitSet peekInodeBitmap(int g) {
    if (inodeBitmap[g] != null) {
      return inodeBitmap[g];
    }
    if (reader == null || (flags[g] & INODE_UNINIT) != 0) {
      return new BitSet(geo.inodesPerGroup);
    }
    return reader.read(g, true);
  }

  /** What ext4_init_block_bitmap computes: the group's own metadata, nothing else. */
  BitSet freshBlockBitmap(int g) {
    BitSet b = new BitSet(geo.blocksInGroup(g));
    b.set(0, geo.overheadOf(g));
    return b;
  }

  /** Whether a group's block or inode bitmap is in core. */
  boolean inCore(int g) {
    return blockBitmap[g] != null || inodeBitmap[g] != null;
  }

  /** How many groups have a bitmap in core. */
  int groupsInCore() {
    return materialized;
  }

  /** The group's stale free blocks, made on first use. */
  BitSet staleFree(int g) {
    blockBitmap(g);
    if (staleFree[g] == null) {
      staleFree[g] = new BitSet(geo.blocksInGroup(g));
    }
    return staleFree[g];
  }

  /** After a repair: every free block of an in-core group is stale. */
  void restale(int g) {
    if (blockBitmap[g] != null) {
      staleFree[g] = new BitSet(geo.blocksInGroup(g));
      staleFree[g].set(0, geo.blocksInGroup(g));
      staleFree[g].andNot(blockBitmap[g]);
    }
  }

  /** The group's stale set if made, else null (none, or all free blocks after a crash). */
  @Nullable BitSet staleFreeIfMade(int g) {
    return staleFree[g];
  }

  /**
   * Mount: after anything but a clean unmount, any free block may hold bytes written after the
   * image was stored, so all of them count as stale.
   */
  void mounted() {
    if (!valid) {
      staleAfterCrash = true;
      for (int g = 0; g < geo.groups; g++) {
        if (staleFree[g] != null) {
          staleFree[g].set(0, geo.blocksInGroup(g));
          staleFree[g].andNot(blockBitmap(g));
        }
      }
    }
    valid = false;
  }

  /** Blocks taken by superblock backups, descriptor tables, bitmaps and inode tables. */
  long overheadBlocks() {
    // Every group has its bitmaps and inode table; backups only in the sparse_super groups.
    long n = (long) geo.groups * (2 + geo.inodeTableBlocks);
    for (int g = 0; g < geo.groups; g = Geometry.nextSuperBackup(g)) {
      n += geo.backupBlocks(g);
    }
    return n;
  }

  /** Whether inode {@code ino}'s table slot lies past the group's never-used tail. */
  boolean inUnusedTail(long ino) {
    int idx = (int) ((ino - 1) % geo.inodesPerGroup);
    return idx >= geo.inodesPerGroup - itableUnused[geo.inodeGroup(ino)];
  }
}
