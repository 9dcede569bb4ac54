/**
 * btrfsish: a copy-on-write filesystem with btrfs's data-space reservation and a btrfs-shaped
 * on-disk format of its own, for comparing its allocation and metadata behaviour with the other
 * plugins.
 *
 * <p>The model, in btrfs's terms: writes reserve data ({@code may_use}) and metadata space per
 * chunk in {@link org.vfsim.btrfsish.BufferedWrite} and mark sectors delalloc; writeback
 * allocates new extents at one shared cursor ({@code may_use -> reserved -> used}), writes, and
 * re-points the file extent items, dropping references from old extents, which are freed into
 * {@code pinned} only when nothing references any part of them (bookends) and become free at the
 * next commit. Commits run on the simulated clock and at sync; fsync writes a log tree.
 *
 * <h2>Where the code is</h2>
 * As in btrfs: {@code Ctree} (ctree.c, the COW B+tree), {@code DiskIo} (disk-io.c, tree blocks
 * and superblocks), {@code ExtentTree} (extent-tree.c), {@code FreeSpaceCache}
 * (free-space-cache.c, allocator), {@code SpaceInfo}, {@code DelallocSpace}, {@code Transaction}
 * (transaction.c), {@code TreeLog} (tree-log.c), {@code InodeOps} (inode.c), {@code FileExtents}
 * (file.c), {@code TreeChecker} (tree-checker.c and btrfs check), {@code Items} (item layouts).
 *
 * <h2>On-disk format</h2>
 * All integers are little-endian. Checksums are CRC32C ({@code java.util.zip.CRC32C}), stored
 * in the first 4 bytes of a 32-byte checksum field and computed over everything after it.
 *
 * <p><b>Device layout</b> (fixed at mkfs): bytes {@code [0, metaStart)} are reserved and hold the
 * primary superblock at 64 KiB; {@code [metaStart, metaStart + metaBytes)} is the metadata
 * block group, cut into nodes of {@code nodesize} bytes; the rest is the data block group. The
 * superblock mirrors at 64 MiB and 256 GiB exist when they fit inside the filesystem; the node
 * or data sector holding one is never allocated (counted as {@code readonly}).
 *
 * <p><b>Superblock</b> (4096 bytes, at 64 KiB and at each mirror):
 * <pre>
 * offset size field
 *      0   32 csum: CRC32C of bytes 32..4095 in bytes 0..3, rest zero
 *     32   16 fsid: "vfsim-btrfsish" padded with zeros (every node carries it too)
 *     48    8 bytenr: the byte offset of this copy
 *     56    8 flags: 0
 *     64    8 magic: 0x4D5F53665248425F ("_BHRfS_M", as btrfs)
 *     72    8 generation: the transaction this superblock commits
 *     80    8 root: bytenr of the root tree's root node
 *     88    8 log_root: bytenr of the log tree's root node, 0 if none
 *     96    8 log_root_transid: the generation the log applies on top of
 *    104    8 total_bytes: filesystem size
 *    112    4 sectorsize
 *    116    4 nodesize
 *    120    1 root_level
 *    121    1 log_root_level
 *    128    8 meta_start: first byte of the metadata block group
 *    136    8 meta_bytes
 *    144    8 data_start: first byte of the data block group
 *    152    8 data_bytes
 * </pre>
 * Mount uses the primary if its checksum, magic and bytenr are right, else the newest mirror
 * that passes (a torn primary falls back to the mirror, which still holds the previous
 * generation when the power failed between the two writes).
 *
 * <p><b>Node header</b> (101 bytes, {@code struct btrfs_header}), at the start of every node:
 * <pre>
 * offset size field
 *      0   32 csum: CRC32C of bytes 32..nodesize-1 in bytes 0..3
 *     32   16 fsid
 *     48    8 bytenr: where this node lives (checked on read)
 *     56    8 flags: 0
 *     64   16 chunk_tree_uuid: zero
 *     80    8 generation: the transaction that wrote the node
 *     88    8 owner: the tree (1 root, 2 extent, 5 fs, 7 csum, -6 log)
 *     96    4 nritems
 *    100    1 level: 0 for a leaf
 * </pre>
 * <b>Key</b> (17 bytes, {@code struct btrfs_disk_key}): objectid u64, type u8, offset u64,
 * ordered by objectid, type, offset as unsigned numbers.
 *
 * <p><b>Leaf</b>: after the header, {@code nritems} item headers of 25 bytes (key 17, data
 * offset u32 relative to the end of the header, data size u32) in key order; item data is
 * packed from the end of the node backwards. <b>Internal node</b>: {@code nritems} key
 * pointers of 33 bytes (key 17, child bytenr u64, child generation u64); the key is at most the
 * child's first key, and each child's keys are below the next pointer's key.
 *
 * <p><b>Items</b> (payload layouts; key in brackets):
 * <ul>
 *   <li>ROOT_ITEM [tree id, 132, 0], root tree: bytenr u64 (0), generation u64 (8), level u8
 *       (16).
 *   <li>INODE_ITEM [ino, 1, 0], fs and log tree, 56 bytes: size u64 (0; {@code disk_i_size}),
 *       mode u32 (8; file type bits and permissions), uid u32 (12), gid u32 (16), nlink u32
 *       (20), flags u64 (24; 1 NODATACOW, 2 NODATASUM), atime, mtime, ctime u64 nanoseconds
 *       (32, 40, 48).
 *   <li>INODE_REF [ino, 12, parent dir], log tree only: the names linking the inode from that
 *       directory, each as name_len u16 then the UTF-8 name.
 *   <li>DIR_INDEX [dir ino, 96, index], fs and log tree: child ino u64 (0), type u8 (8; 1
 *       file, 2 directory), name_len u16 (9), name (11). Indexes are assigned per directory in
 *       creation order, starting at 2.
 *   <li>EXTENT_DATA [ino, 108, file offset], fs and log tree, 41 bytes
 *       ({@code btrfs_file_extent_item}): generation u64 (0), type u8 (8; 1 regular, 2
 *       preallocated), disk_bytenr u64 (9), disk_num_bytes u64 (17), offset into the extent
 *       u64 (25), num_bytes u64 (33).
 *   <li>EXTENT_ITEM [bytenr, 168, num_bytes], extent tree, 24 bytes: refs u64 (0), generation
 *       u64 (8), flags u64 (16; 1 = DATA). In the log tree the same key (refs 0) names an
 *       extent a logged item needs.
 *   <li>EXTENT_DATA_REF [bytenr, 178, hash], extent tree: one or more 28-byte backrefs (root
 *       u64, inode u64, file offset of the extent's byte 0 u64, count u32); the key offset is
 *       a 64-bit hash of (root, inode, offset), and backrefs whose hashes collide share the
 *       item.
 *   <li>EXTENT_CSUM [-10, 128, run start], csum and log tree: a run of 64 sectors aligned to
 *       64 sectors: bitmap u64 of the sectors that have a checksum (0), then one CRC32C u32 per
 *       set bit, in sector order.
 * </ul>
 *
 * <h2>Transactions and the log</h2>
 * Changes are delayed items in memory (the decoded inodes, extents and checksums are caches of
 * the trees, as btrfs's in-core inodes and delayed refs are). A commit applies the changed
 * items to the trees, each change copying its path from the leaf to the root into newly
 * allocated nodes (old nodes that a superblock may reference stay pinned until the commit
 * completes), writes the new nodes, then the superblock with PREFLUSH and FUA and the mirrors
 * with FUA, then unpins. Nodes that drain are removed when empty but not merged with their
 * neighbours (btrfs balances them; correctness does not depend on it). fsync writes the
 * inode's items (and new ancestor directories) into the log tree, its new nodes, then the
 * superblock naming the log with PREFLUSH and FUA; mount replays the log onto the committed
 * trees and commits. When log blocks pinned since the commit leave less than a quarter of the
 * metadata space, fsync commits instead. Mount reads every tree (verifying each node), so a
 * damaged node is EIO at mount or on a later uncached read; fsck reads the trees from the
 * device and checks every node and the extent backrefs.
 */

package org.vfsim.btrfsish;
