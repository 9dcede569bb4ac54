package org.vfsim.btrfsish;

/**
 * {@code struct btrfs_disk_key}: every item in every tree is found by (objectid, type, offset),
 * compared in that order as unsigned numbers, as btrfs compares them.
 */
record Key(long objectid, int type, long offset) implements Comparable<Key> {
  static final int INODE_ITEM = 1;
  static final int INODE_REF = 12;
  static final int DIR_INDEX = 96;
  static final int EXTENT_DATA = 108;
  static final int EXTENT_CSUM = 128;
  static final int ROOT_ITEM = 132;
  static final int EXTENT_ITEM = 168;
  static final int EXTENT_DATA_REF = 178;

  static final long ROOT_TREE = 1;
  static final long EXTENT_TREE = 2;
  static final long FS_TREE = 5;
  static final long CSUM_TREE = 7;
  /** {@code BTRFS_TREE_LOG_OBJECTID}: the owner of log tree nodes. */
  static final long LOG_TREE = -6L;
  /** {@code BTRFS_EXTENT_CSUM_OBJECTID}: the objectid of every checksum item. */
  static final long CSUM_OBJECTID = -10L;

  static final int SIZE = 17;

  static Key min(long objectid) {
    return new Key(objectid, 0, 0);
  }

  static Key max(long objectid, int type) {
    return new Key(objectid, type, -1L);
  }

  @Override
  public int compareTo(Key o) {
    int c = Long.compareUnsigned(objectid, o.objectid);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(type, o.type);
    return c != 0 ? c : Long.compareUnsigned(offset, o.offset);
  }

  @Override
  public String toString() {
    return "(" + Long.toUnsignedString(objectid) + " " + type + " "
        + Long.toUnsignedString(offset) + ")";
  }
}
