/**
 * ext2ish: a filesystem that allocates blocks at {@code write()} time, as ext2 does, so that
 * users can compare "allocate as you write" with delayed allocation and copy-on-write. It keeps
 * everything on the device in the ext2 revision 1 format (no journal, no extents), so e2fsck,
 * debugfs, dumpe2fs and the Linux kernel's ext2 driver read what it writes.
 *
 * <h2>On-disk format</h2>
 *
 * <p>All integers are little-endian. Block numbers are 32-bit, in filesystem blocks of 1024,
 * 2048 or 4096 bytes. Block 0 holds the boot area and (block size above 1024) the superblock at
 * byte 1024; with 1024-byte blocks the superblock is block 1 ({@code s_first_data_block = 1}).
 * Groups of {@code s_blocks_per_group} blocks follow; each group starts with a superblock and
 * descriptor-table copy if it is group 0, 1 or a power of 3, 5 or 7 (sparse_super), then its
 * block bitmap (one block), inode bitmap (one block) and inode table. Only group 0's superblock
 * and descriptors are kept current; the backups are written by mkfs, as in ext2.
 *
 * <h3>Superblock ({@code struct ext2_super_block}, 1024 bytes at byte 1024)</h3>
 * <pre>
 * off size field                meaning
 *   0  4   s_inodes_count       inodes in all (groups * inodes per group)
 *   4  4   s_blocks_count       blocks in all, s_first_data_block included
 *   8  4   s_r_blocks_count     blocks reserved for root (mkfs -m; not enforced here)
 *  12  4   s_free_blocks_count  free blocks (a hint: mount sums the descriptors)
 *  16  4   s_free_inodes_count  free inodes (a hint, likewise)
 *  20  4   s_first_data_block   1 with 1024-byte blocks, else 0
 *  24  4   s_log_block_size     block size = 1024 &lt;&lt; this
 *  28  4   s_log_frag_size      the same (no fragments)
 *  32  4   s_blocks_per_group
 *  36  4   s_frags_per_group    the same
 *  40  4   s_inodes_per_group
 *  44  4   s_mtime              last mount, simulated seconds
 *  48  4   s_wtime              last superblock write
 *  52  2   s_mnt_count          mounts since mkfs
 *  54  2   s_max_mnt_count      -1: no forced check
 *  56  2   s_magic              0xEF53
 *  58  2   s_state              1 = EXT2_VALID_FS (cleanly unmounted); cleared while mounted
 *  60  2   s_errors             1 = continue
 *  62  2   s_minor_rev_level    0
 *  64  4   s_lastcheck          mkfs time
 *  68  4   s_checkinterval      0
 *  72  4   s_creator_os         0 = Linux
 *  76  4   s_rev_level          1 = EXT2_DYNAMIC_REV (revision 0 is read too)
 *  80  2   s_def_resuid         0
 *  82  2   s_def_resgid         0
 *  84  4   s_first_ino          11: inodes 1-10 reserved, 2 is the root
 *  88  2   s_inode_size         128 (default) or a larger power of two up to the block size
 *  90  2   s_block_group_nr     the group holding this copy
 *  92  4   s_feature_compat     0 (compat features of other images are ignored)
 *  96  4   s_feature_incompat   0x2 filetype (any other incompat feature: mount refused)
 * 100  4   s_feature_ro_compat  0x1 sparse_super | 0x2 large_file, and 0x10 uninit_bg
 *                                (GDT_CSUM) when mkfs made uninitialised groups (see below)
 * 104 16   s_uuid               derived from the simulated clock and device, never wall time
 * 120 16   s_volume_name        empty
 * 264  4   s_mkfs_time          simulated seconds
 * 348  2   s_min_extra_isize    32 when s_inode_size &gt; 128, else 0
 * 350  2   s_want_extra_isize   likewise
 *          every other byte     0
 * </pre>
 *
 * <h3>Group descriptor ({@code struct ext2_group_desc}, 32 bytes; the table starts in the
 * block after the superblock's)</h3>
 * <pre>
 * off size field                 meaning
 *   0  4   bg_block_bitmap       block of the group's block bitmap
 *   4  4   bg_inode_bitmap       block of its inode bitmap
 *   8  4   bg_inode_table        first block of its inode table
 *  12  2   bg_free_blocks_count
 *  14  2   bg_free_inodes_count
 *  16  2   bg_used_dirs_count    directories whose inode is in this group
 *  18  2   bg_flags              uninit_bg only, else 0: 0x1 INODE_UNINIT (inode bitmap never
 *                                written: every inode free), 0x2 BLOCK_UNINIT (block bitmap
 *                                never written: only the group's own metadata in use), 0x4
 *                                ITABLE_ZEROED (the inode table reads as zeros)
 *  20  8   (reserved)            0
 *  28  2   bg_itable_unused      uninit_bg only: inodes at the end of the table never used
 *  30  2   bg_checksum           uninit_bg only: crc16 (polynomial 0x8005, bit-reflected,
 *                                seed 0xffff) of s_uuid, the group number as le32 and bytes
 *                                0-29 of this descriptor; mount refuses a wrong one (EUCLEAN)
 * </pre>
 * With uninit_bg (mkfs {@code uninit_bg=1}, the default from 4 TiB) mkfs marks every group but
 * group 0 INODE_UNINIT and BLOCK_UNINIT (the last group's block bitmap is written, as mke2fs
 * does), so it writes the superblock, the descriptor tables and group 0 only. The first inode
 * or block taken in a group initialises both its bitmaps in core, clears the flags and lowers
 * bg_itable_unused; the bitmaps are written with the descriptor. The kernel's ext2 driver does
 * not know this feature and mounts such an image read-only; ext4 and e2fsprogs read it.
 * Mount refuses (EUCLEAN) descriptors that place bitmaps or tables elsewhere than ext2ish's
 * layout (which is mke2fs's without resize_inode or flex_bg).
 *
 * <h3>Bitmaps (one block each)</h3>
 * Bit {@code i} (byte {@code i / 8}, bit {@code i % 8}) is block {@code group start + i} or
 * inode {@code group * inodes per group + i + 1}; 1 = in use. Bits past the group's last block
 * or inode are set, as mke2fs pads them.
 *
 * <h3>Inode ({@code struct ext2_inode}, s_inode_size bytes; inode {@code n} is entry
 * {@code (n - 1) % inodes per group} of group {@code (n - 1) / inodes per group}'s table)</h3>
 * <pre>
 * off size field            meaning
 *   0  2   i_mode           0x8000 regular or 0x4000 directory, | permission bits
 *   2  2   i_uid            low 16 bits of the owner
 *   4  4   i_size           low 32 bits of the size in bytes
 *   8  4   i_atime          seconds (s_time_gran is a second, as in ext2)
 *  12  4   i_ctime
 *  16  4   i_mtime
 *  20  4   i_dtime          deletion time; non-zero = a deleted inode (at least s_inodes_count,
 *                           which e2fsck would otherwise read as an orphan-list link)
 *  24  2   i_gid            low 16 bits of the group
 *  26  2   i_links_count    names (a directory: + "." + each subdirectory's "..")
 *  28  4   i_blocks         512-byte sectors: data and indirect blocks
 *  32  4   i_flags          0
 *  36  4   osd1             0
 *  40 60   i_block[15]      12 direct block numbers, then the single, double and triple
 *                           indirect blocks; 0 = a hole
 * 100  4   i_generation
 * 104  4   i_file_acl       0
 * 108  4   i_size_high      high 32 bits of a regular file's size (large_file)
 * 112  4   i_faddr          0
 * 116  2   l_i_blocks_hi    high 16 bits of i_blocks
 * 118  2   l_i_file_acl_high 0
 * 120  2   l_i_uid_high     high 16 bits of the owner
 * 122  2   l_i_gid_high     high 16 bits of the group
 * 124  4   reserved         0
 * 128  2   i_extra_isize    32 when s_inode_size &gt; 128 (the rest of the extra space is 0)
 * </pre>
 * An indirect block is an array of {@code block size / 4} 32-bit block numbers (0 = hole).
 *
 * <h3>Directory block: a chain of {@code struct ext2_dir_entry_2}</h3>
 * <pre>
 * off size field       meaning
 *   0  4   inode       the entry's inode; 0 = unused space
 *   4  2   rec_len     bytes to the next entry: 8 + name_len rounded up to 4, the last entry
 *                      of a block stretching to the block's end
 *   6  1   name_len
 *   7  1   file_type   1 regular, 2 directory (the filetype feature)
 *   8  n   name        not NUL-terminated
 * </pre>
 * Block 0 of a directory starts with "." and ".."; an empty block is one unused entry with
 * rec_len = block size. mkfs makes the root (inode 2) and lost+found (inode 11), one block each.
 *
 * <h2>Writes and crash behaviour</h2>
 *
 * <p>Metadata goes through the vfs-api {@code BufferCache}, encoded from the in-core state when
 * a block is written, so only changed blocks are written: fsync writes the file's data
 * (through the VFS), its inode table block, its indirect blocks, the changed bitmaps and group
 * descriptors and, as ext4 does without a journal (not ext2), the directory block naming it;
 * writeback writes a file's inode and indirect blocks after its data; sync and unmount write
 * everything and the superblock. An inode is copied into its inode table buffer only when it is
 * itself written ({@code ext2_write_inode}), so another file's fsync never makes this file's
 * newer block map durable. Where ext2 leaves a window open, ext2ish closes it: a truncate that
 * frees blocks or shrinks a file writes the inode with PREFLUSH and FUA at once (so another
 * file cannot reuse the blocks while the old inode still claims them on disk, and the discards
 * of blocks it maps are durable before it), and an allocated block that
 * may hold a previous owner's bytes is discarded first (so a crash can show zeros, never
 * another file's data); a clean unmount discards such blocks, so a later mount need not know.
 *
 * <p>The mount clears {@code EXT2_VALID_FS}; after anything but a clean unmount it repairs what
 * {@code e2fsck -p} repairs (see {@link org.vfsim.ext2ish.Repair}) before use.
 *
 * <p>Other decisions where ext2 had more than one behaviour or the simulation is simpler: new
 * directories go to the group with the fewest directories among those with at least average
 * free inodes and blocks (Orlov's rule for top-level directories, without its random pick);
 * root-reserved blocks are recorded (mkfs -m) but not enforced; one filesystem lock stands in
 * for ext2's per-group locks, the reservation-tree lock and each inode's
 * {@code truncate_mutex}.
 */
package org.vfsim.ext2ish;
