/**
 * xfsish: an XFS-like filesystem plugin for comparing allocation policies - delayed allocation
 * with speculative preallocation (the default) against write-time unwritten allocation
 * ({@code alloc=unwritten}).
 *
 * <p>What is modelled, and how:
 *
 * <ul>
 *   <li>Allocation groups with free space indexed by start and by length ({@link
 *       org.vfsim.xfsish.AllocGroup}); exact, near and best-fit allocation.
 *   <li>Per-inode extent maps with written, unwritten and delayed records ({@link
 *       org.vfsim.xfsish.ExtentMap}); delayed records carry the worst-case bmbt reservation
 *       ({@code xfs_bmap_worst_indlen}).
 *   <li>The iomap buffered write ({@link org.vfsim.xfsish.IomapWrite}) and writeback ({@link
 *       org.vfsim.xfsish.XfsWriteback}): delalloc converts to unwritten extents at writeback,
 *       unwritten to written at I/O completion, as current XFS does. One mapping covers at most
 *       1024 pages of a write ({@code xfs_buffered_write_iomap_begin}), and the speculative
 *       preallocation is aligned from that capped end; a write longer than the free space
 *       writes its chunks that fit and returns short, the next call gets ENOSPC. The generic
 *       write path ({@code write_path=generic}) maps ahead the same way ({@link
 *       org.vfsim.xfsish.XfsAops}), so both paths return the same bytes and errors.
 *   <li>Allocation goal ({@code xfs_bmap_adjacent}): after the previous real extent, offset by
 *       the gap in the file only while the gap is at most {@code XFS_ALLOC_GAP_UNITS} (4) times
 *       the allocation's length; before the next real extent likewise; the nearer wins. An
 *       allocation past the last extent ({@code alloc=unwritten}, fallocate) keeps the whole
 *       gap, as the kernel's EOF case does.
 *   <li>Pluggable placement ({@code policy=NAME}, {@link org.vfsim.fs.alloc.AllocationPolicy}):
 *       the policy replaces only the exact / near / by-size choice, told the goal above and
 *       shown every AG's free extents ({@link org.vfsim.xfsish.AgFreeSpace}) and the file's
 *       real extents; the superblock takes what it chose from its AG.
 *   <li>Block sizes from 512 bytes to the page size (the device's block size). With blocks
 *       smaller than a page, pages are read, zeroed and written back block by block; a block
 *       that no write reserved (a hole inside a dirty page) is not written, as iomap's per-block
 *       dirty state would leave it; {@code page_mkwrite} reserves every block of the page up to
 *       EOF.
 *   <li>Metadata lives on the device in an XFS-v5-shaped format (below), read at mount into
 *       in-core caches (free-space indexes, inodes, extent maps) and changed through a
 *       write-ahead log: a transaction marks what it changed in the CIL ({@link
 *       org.vfsim.xfsish.Cil}); a log force (fsync, sync, the 30 s log worker, unmount, a CIL
 *       past a quarter of the log) formats the changed items into block images, logs those
 *       whose bytes changed as one checkpoint ({@link org.vfsim.xfsish.XfsLog}), and leaves the
 *       buffers dirty in vfs-api's buffer cache until the AIL push writes them in place (sync,
 *       unmount, or when the log needs the space). fsync forces the log only if the inode has
 *       a change in the CIL; fdatasync only if that change is more than timestamps. Metadata
 *       I/O is counted by the device as METADATA.
 *   <li>Inode chunks, btree blocks, bmbt blocks and directory blocks take real space. A delayed
 *       extent's indlen reservation goes back to {@code m_fdblocks} at conversion and the bmbt
 *       blocks the new records need are taken from it; metadata may dip into a set-aside of
 *       {@code 4 + 4 * agcount} blocks kept out of {@code m_fdblocks} (XFS_ALLOC_SET_ASIDE).
 *   <li>Busy extents ({@link org.vfsim.xfsish.ExtentBusy}): freed blocks go back to the
 *       allocator only when the checkpoint that frees them is on disk; an allocation that finds
 *       nothing but busy space forces the log and retries. A freed metadata block is also
 *       cancelled in the log, so recovery never replays an older image of it.
 * </ul>
 *
 * <h2>On-disk format</h2>
 *
 * <p>All integers are little-endian. Block numbers are filesystem blocks from the start of the
 * device (the block size is the device's, 512 to 4096 bytes). "u16/u32/u64" are unsigned widths;
 * times are signed 64-bit nanoseconds since the epoch.
 *
 * <p><b>Geometry.</b> {@code agcount} allocation groups of {@code agblocks} blocks (the last may
 * be shorter). Every AG starts with 8 header blocks: +0 the superblock (AG 0 only; unused
 * elsewhere), +1 the AGF, +2 the AGI, +3 the bnobt root, +4 the cntbt root, +5 the inobt root,
 * +6 and +7 unused. The log follows the headers of AG {@code agcount / 2}: {@code logblocks =
 * clamp(dblocks / 128, 64, 16384)}, at most half an AG. mkfs puts the root directory's inode
 * chunk after the headers (and the log) of AG 0.
 *
 * <p><b>Block header</b> ({@link org.vfsim.xfsish.XfsBuf}): every metadata block but inode
 * chunks starts with
 *
 * <pre>
 * off size field
 *   0    4 magic     four ASCII bytes: XFSB superblock, XAGF, XAGI, AB3B bnobt, AB3C cntbt,
 *                    IAB3 inobt, BMA3 bmbt, XDD3 directory block, XLGD/XLGC log descriptor/commit
 *   4    4 crc       CRC32C of the whole block with this field taken as zero
 *   8    8 blkno     the block's own number
 *  16    8 owner     AG number (AG headers and trees), inode number (bmbt, directory blocks),
 *                    -1 (superblock, log)
 *  24    8 lsn       sequence of the checkpoint that last logged the block
 *  32    2 level     btree blocks: 0 for a leaf
 *  34    2 numrecs   btree blocks: records or entries; directory blocks: entries
 *  36    4 pad       zero
 * </pre>
 *
 * A block whose magic, CRC, blkno or owner is wrong is EUCLEAN naming the block ("metadata block
 * N (what) fails its CRC32C"), at mount and in fsck, which reads blocks not waiting for the AIL
 * from the device.
 *
 * <p><b>Superblock</b> (block 0), written by mkfs: header, then
 *
 * <pre>
 *  40    4 blocksize     bytes per block; must equal the device's
 *  44    4 agcount       1..1024
 *  48    8 dblocks       blocks in the filesystem; must equal the device's
 *  56    8 agblocks      blocks per AG
 *  64    4 headerblocks  8
 *  68    4 inodesize     512
 *  72    8 logstart      first block of the log
 *  80    8 logblocks     blocks in the log
 *  88    8 rootino       the root directory's inode number
 * </pre>
 *
 * <p><b>AGF</b> (AG block 1): header (owner = AG), then
 *
 * <pre>
 *  40    4 agno          the AG's number
 *  44    4 bnolevel      level of the bnobt root (0: the root is the only block, a leaf)
 *  48    8 length        blocks in this AG
 *  56    4 cntlevel      level of the cntbt root
 *  60    4 btreeblks     bnobt and cntbt blocks besides the two roots
 *  64    8 freeblks      free blocks (the sum of the bnobt's records)
 *  72    8 longest       longest free extent
 *  80    4 freerecs      free extents
 * </pre>
 *
 * <p><b>AGI</b> (AG block 2): header (owner = AG), then
 *
 * <pre>
 *  40    4 agno
 *  44    4 inolevel      level of the inobt root
 *  48    8 length        blocks in this AG
 *  56    8 count         inodes in chunks (64 per chunk)
 *  64    8 freecount     free inodes in those chunks
 *  72    8 nextagino     the AG inode number the next new chunk starts at (128 + 64 * chunks
 *                        ever made)
 *  80    4 btreeblks     inobt blocks besides the root
 *  84    4 chunks        inobt records
 * </pre>
 *
 * <p><b>B+trees</b> ({@link org.vfsim.xfsish.Btree}): a leaf (level 0) holds {@code numrecs}
 * records from byte 40; a node holds entries of (a copy of the first record below the child,
 * then its u64 block number). The AG trees' roots are the fixed header blocks; the bmbt's root
 * is in the inode. Other blocks are allocated from the AG (AG trees, near the AG start) or near
 * the inode (bmbt). Records:
 *
 * <pre>
 * bnobt, cntbt (16 bytes): u64 startblock, u64 blockcount; bnobt sorted by start, cntbt by
 *                          (count, start); both hold exactly the AG's free extents (busy ones
 *                          included), never touching each other
 * inobt (24 bytes):        u64 startino (AG inode number of the chunk's first inode),
 *                          u64 chunk's first block, u64 free mask (bit i: inode startino+i free)
 * bmbt (16 bytes, xfs_bmbt_rec): two u64s l0, l1: l0 bit 63 the unwritten flag, bits 62-9 the
 *                          file offset (54 bits), bits 8-0 the high 9 bits of the start block;
 *                          l1 bits 63-21 its low 43 bits, bits 20-0 the length (1..2^21-1)
 * </pre>
 *
 * The trees are laid out from the sorted records at each log force (leaves packed from the
 * left) and only blocks whose bytes changed are logged: an insertion into the middle of a big
 * tree rewrites the leaves after it, where XFS would split one leaf.
 *
 * <p><b>Inodes</b> ({@link org.vfsim.xfsish.InodeBuf}): inode number = AG number &lt;&lt; 32
 * | AG inode number; AG inode numbers start at 128, in chunks of 64 inodes of 512 bytes taking
 * {@code 32768 / blocksize} contiguous blocks; the inobt record gives the chunk's block, inode
 * {@code i} of the chunk is at byte {@code 512 i} of it. Chunk blocks have no block header: each
 * dinode carries its own CRC, number and block. A free inode's slot has the magic, mode 0, its
 * number, block and CRC. When the last in-use inode of a chunk is freed, the transaction that
 * frees it also deletes the chunk's inobt record and returns its blocks to free space (busy until
 * that checkpoint is on disk, {@code xfs_difree_inode_chunk}); mount option {@code ikeep} keeps
 * such chunks. nextagino never goes back, so a later chunk takes new inode numbers. The dinode:
 *
 * <pre>
 *   0    2 magic     0x4e49 ("IN")
 *   2    2 mode      file type (0x8000 regular, 0x4000 directory) | permission bits; 0 free
 *   4    1 version   3
 *   5    1 format    data fork: 1 local (shortform directory), 2 extents, 3 btree
 *   6    2 pad
 *   8    4 uid
 *  12    4 gid
 *  16    4 nlink     0: unlinked but open at the checkpoint (freed by the next mount)
 *  20    4 flags     bit 0: XFS_DIFLAG_PREALLOC (fallocated)
 *  24    8 atime
 *  32    8 mtime
 *  40    8 ctime
 *  48    8 size      di_size: regular files, the size on disk; directories, the shortform
 *                    bytes or blocks * blocksize
 *  56    8 nblocks   data, directory and bmbt blocks
 *  64    4 nextents  data fork records (inline or in the bmbt)
 *  68    4 crc       CRC32C of the 512 bytes with this field taken as zero
 *  72    8 ino       the inode's own number
 *  80    8 lsn       sequence of the checkpoint that last logged it
 *  88    8 blkno     the block holding this dinode
 *  96   80 reserved  zero
 * 176  336 literal area, the data fork:
 *            extents: nextents (at most 21) bmbt records
 *            btree:   u16 level (of the root, 1 or more), u16 numrecs (at most 13), then
 *                     numrecs entries of (16-byte key record, u64 child block)
 *            local:   u16 count, then count x (u8 namelen, name, u64 ino), names UTF-8
 * </pre>
 *
 * Delayed extents never reach the disk. <b>Directories</b> are shortform in the inode while
 * their entries fit in the 336-byte literal area; past that, every entry moves into directory
 * blocks (allocated near the inode, mapped by the data fork as file blocks 0, 1, ... of the
 * directory, through a bmbt when the mapping outgrows the inode). A directory block
 * ({@link org.vfsim.xfsish.DirBlocks}): header (owner = the directory, numrecs = entries), then
 * entries of (u64 ino, u8 namelen, name) packed from byte 40. An entry stays in the block it
 * was added to; a new entry goes into the first block with room. A directory never converts
 * back to shortform.
 *
 * <p><b>Log</b> ({@link org.vfsim.xfsish.XfsLog}, {@link org.vfsim.xfsish.LogRecovery}): the
 * log area is circular. A checkpoint is written at the head, wrapping at the end of the area:
 * descriptor blocks, then the images of the home blocks they name, then a commit block. The
 * descriptors and images are plain writes; the commit is written with PREFLUSH|FUA. Descriptor
 * (header magic XLGD, blkno its log block, owner -1, lsn = sequence), then
 *
 * <pre>
 *  40    8 seq       checkpoint sequence (1 at mkfs, +1 per checkpoint)
 *  48    4 index     this descriptor's index in the checkpoint (0..ndesc-1)
 *  52    4 ndesc     descriptors in the checkpoint: ceil(nitems / ((blocksize - 80) / 8))
 *  56    4 nitems    home blocks named by the checkpoint
 *  60    4 nimages   images that follow the descriptors (items not cancelled)
 *  64    8 tailseq   sequence of the oldest checkpoint recovery must replay
 *  72    8 tailpos   its first log block (0..logblocks-1)
 *  80  8*n homes     this descriptor's share of the home block numbers, in item order; bit 63
 *                    set cancels the block (it was freed: no image, and older images of it are
 *                    not replayed)
 * </pre>
 *
 * Commit block (header magic XLGC), then u64 seq at 40, u32 total blocks of the checkpoint
 * (commit included) at 48, u32 CRC32C of all the descriptor and image blocks at 52. Recovery
 * reads the whole log area, keeps the checkpoints whose descriptors and commit verify, takes
 * the highest sequence as the head and replays, from its tailseq at tailpos up to it, the last
 * image of every home block not cancelled after it; then writes them home and flushes. A
 * checkpoint without a valid commit (a power cut while it was written) is ignored. The tail
 * moves when the AIL push has written every logged buffer home and flushed; before reusing log
 * space behind the tail recorded on disk, and at sync and unmount, a cover checkpoint (one
 * descriptor, no items) records the new tail.
 */
package org.vfsim.xfsish;
