package org.vfsim.btrfsish;

/**
 * The key of a data backref ({@code struct btrfs_extent_data_ref}): inode and the file offset
 * of the extent's byte 0. Items split from one another share it; a clone gets a new one.
 */
record DataRef(long ino, long base) {}
