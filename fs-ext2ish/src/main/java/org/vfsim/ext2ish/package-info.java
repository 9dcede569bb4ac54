/**
 * ext2ish: a filesystem that allocates blocks at {@code write()} time, as ext2 does, so that
 * users can compare "allocate as you write" with delayed allocation and copy-on-write.
 *
 * <p>Decisions where ext2 had more than one behaviour or the simulation is simpler: new
 * directories go to the group with the fewest directories among those with at least average
 * free inodes and blocks (Orlov's rule for top-level directories, without its random pick);
 * there are no root-reserved blocks and no lost+found; one filesystem lock stands in for ext2's
 * per-group locks, the reservation-tree lock and each inode's {@code truncate_mutex}; bitmaps,
 * descriptors and the superblock are written at {@code sync_fs} (ext2 leaves them to the block
 * device's writeback), and a file's indirect blocks and inode table block at its writeback and
 * fsync.
 */
package org.vfsim.ext2ish;
