package org.vfsim.ext2ish;

import static com.google.common.base.Preconditions.checkArgument;

import org.vfsim.syscall.Errno;

/**
 * The layout mke2fs computes: block groups, and where each group's superblock backup, group
 * descriptor table, block bitmap, inode bitmap and inode table sit (sparse_super: backups only
 * in groups 0, 1 and powers of 3, 5 and 7).
 */
final class Geometry {
  /** EXT2_GOOD_OLD_INODE_SIZE: the default here, as mke2fs uses for small filesystems. */
  static final int INODE_SIZE = 128;
  static final int GROUP_DESC_SIZE = 32;
  /** EXT2_GOOD_OLD_FIRST_INO: inodes 1..10 are reserved, 2 is the root. */
  static final int FIRST_INO = 11;
  static final long ROOT_INO = 2;

  final int blockSize;
  final long blocksCount;
  final long firstDataBlock;
  final int blocksPerGroup;
  final int inodesPerGroup;
  final int groups;
  final int gdtBlocks;
  final int inodeTableBlocks;
  /** s_inode_size: 128 or a larger power of two up to the block size. */
  final int inodeSize;

  Geometry(int blockSize, long blocksCount, int blocksPerGroup, int inodesPerGroup) {
    this(blockSize, blocksCount, blocksPerGroup, inodesPerGroup, INODE_SIZE);
  }

  Geometry(int blockSize, long blocksCount, int blocksPerGroup, int inodesPerGroup,
      int inodeSize) {
    checkArgument(blockSize == 1024 || blockSize == 2048 || blockSize == 4096);
    this.blockSize = blockSize;
    // With 1 KiB blocks block 0 is the boot block and the superblock is block 1.
    this.firstDataBlock = blockSize == 1024 ? 1 : 0;
    this.blocksPerGroup = blocksPerGroup;
    checkArgument(inodeSize >= INODE_SIZE && inodeSize <= blockSize
        && Integer.bitCount(inodeSize) == 1);
    this.inodeSize = inodeSize;
    this.inodesPerGroup = inodesPerGroup;
    this.inodeTableBlocks = (int) (((long) inodesPerGroup * inodeSize + blockSize - 1) / blockSize);
    long dataBlocks = blocksCount - firstDataBlock;
    int g = (int) ((dataBlocks + blocksPerGroup - 1) / blocksPerGroup);
    this.gdtBlocks = (g * GROUP_DESC_SIZE + blockSize - 1) / blockSize;
    // mke2fs drops a last group too small to hold its metadata and 50 data blocks.
    long lastSize = dataBlocks - (long) (g - 1) * blocksPerGroup;
    if (g > 1 && lastSize < overheadOf(g - 1) + 50) {
      g--;
      blocksCount = firstDataBlock + (long) g * blocksPerGroup;
    }
    this.groups = g;
    this.blocksCount = blocksCount;
    if (g < 1 || blocksInGroup(g - 1) < overheadOf(g - 1) + 1) {
      throw Errno.EINVAL.exception("device too small for one block group");
    }
  }

  static boolean hasSuperBackup(int group) {
    return group <= 1 || isPower(group, 3) || isPower(group, 5) || isPower(group, 7);
  }

  /** The next group after {@code group} with a superblock backup. */
  static int nextSuperBackup(int group) {
    if (group < 1) {
      return 1;
    }
    long best = Long.MAX_VALUE;
    for (int base : new int[] {3, 5, 7}) {
      long p = base;
      while (p <= group) {
        p *= base;
      }
      best = Math.min(best, p);
    }
    return (int) Math.min(best, Integer.MAX_VALUE);
  }

  private static boolean isPower(int n, int base) {
    long p = base;
    while (p < n) {
      p *= base;
    }
    return p == n;
  }

  long groupFirst(int g) {
    return firstDataBlock + (long) g * blocksPerGroup;
  }

  int blocksInGroup(int g) {
    return (int) Math.min(blocksPerGroup, blocksCount - groupFirst(g));
  }

  int groupOf(long block) {
    return (int) ((block - firstDataBlock) / blocksPerGroup);
  }

  int backupBlocks(int g) {
    return hasSuperBackup(g) ? 1 + gdtBlocks : 0;
  }

  int overheadOf(int g) {
    return backupBlocks(g) + 2 + inodeTableBlocks;
  }

  long blockBitmap(int g) {
    return groupFirst(g) + backupBlocks(g);
  }

  long inodeBitmap(int g) {
    return blockBitmap(g) + 1;
  }

  long inodeTable(int g) {
    return blockBitmap(g) + 2;
  }

  /** The block of the group descriptor table (in group 0) that holds group {@code g}'s descriptor. */
  long gdtBlockOf(int g) {
    return groupFirst(0) + 1 + (long) g * GROUP_DESC_SIZE / blockSize;
  }

  long superBlockBlock() {
    return groupFirst(0);
  }

  long inodesCount() {
    return (long) groups * inodesPerGroup;
  }

  int inodeGroup(long ino) {
    return (int) ((ino - 1) / inodesPerGroup);
  }

  /** The inode table block holding inode {@code ino}. */
  long inodeBlock(long ino) {
    long idx = (ino - 1) % inodesPerGroup;
    return inodeTable(inodeGroup(ino)) + idx * inodeSize / blockSize;
  }

  /** The byte offset of inode {@code ino} in its inode table block. */
  int inodeOffset(long ino) {
    long idx = (ino - 1) % inodesPerGroup;
    return (int) (idx * inodeSize % blockSize);
  }

  /** Whether {@code block} lies in some group's inode table. */
  boolean isInodeTable(long block) {
    if (block < firstDataBlock || block >= blocksCount) {
      return false;
    }
    int g = groupOf(block);
    return block >= inodeTable(g) && block < inodeTable(g) + inodeTableBlocks;
  }

  int pointersPerBlock() {
    return blockSize / 4;
  }

  /**
   * {@code s_maxbytes}: the largest size the 12 direct, single, double and triple indirect
   * pointers address, also limited by {@code i_blocks} (2^32 - 1 sectors) counting the indirect
   * blocks a dense file of that size needs.
   */
  long maxBytes() {
    long p = pointersPerBlock();
    long tree = 12 + p + p * p + p * p * p;
    long sectorLimit = ((1L << 32) - 1) >> (Integer.numberOfTrailingZeros(blockSize) - 9);
    long blocks = tree;
    if (tree + indirectFor(tree) > sectorLimit) {
      blocks = sectorLimit;
      while (blocks + indirectFor(blocks) > sectorLimit) {
        blocks -= Math.max(1, (blocks + indirectFor(blocks) - sectorLimit));
      }
    }
    return blocks * blockSize;
  }

  /** Indirect blocks a dense file of {@code n} blocks needs. */
  long indirectFor(long n) {
    long p = pointersPerBlock();
    long rest = n - 12;
    if (rest <= 0) {
      return 0;
    }
    long meta = 1;
    rest -= p;
    if (rest <= 0) {
      return meta;
    }
    long dbl = Math.min(rest, p * p);
    meta += 1 + (dbl + p - 1) / p;
    rest -= dbl;
    if (rest <= 0) {
      return meta;
    }
    meta += 1 + (rest + p * p - 1) / (p * p) + (rest + p - 1) / p;
    return meta;
  }
}
