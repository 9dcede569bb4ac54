package org.vfsim.ext2ish;

/**
 * The superblock fields that are neither geometry nor counts: times, mount counts, reserved
 * blocks and identity, as {@code struct ext2_super_block} keeps them (see package-info).
 */
final class SuperFields {
  /** EXT2_VALID_FS. */
  static final int STATE_VALID = 1;
  /** EXT2_ERROR_FS. */
  static final int STATE_ERRORS = 2;

  long reservedBlocks;
  long mountTime;
  long writeTime;
  int mountCount;
  /** -1: mount count checks disabled, as current mke2fs defaults. */
  int maxMountCount = -1;
  int state = STATE_VALID;
  long lastCheck;
  long mkfsTime;
  final byte[] uuid = new byte[16];
  final byte[] volumeName = new byte[16];
}
