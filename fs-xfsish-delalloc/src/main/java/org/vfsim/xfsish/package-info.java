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
 *   <li>Metadata lives in Java objects. Its I/O is counted by a simple model: every transaction
 *       adds logged buffers (128 bytes each plus a 32-byte header) to the in-memory log and
 *       dirties the home blocks of the AGF, the free-space btree roots, the inode cluster and,
 *       past 21 extents, bmbt blocks; a log force (fsync, sync, the 30 s log worker, unmount)
 *       flushes the device, writes the log blocks with FUA and commits the on-disk image; sync
 *       and unmount also write the dirty metadata blocks in place. bmbt blocks take no space:
 *       their reservation (indlen) is returned in full at conversion. Inodes take no space.
 * </ul>
 *
 * <h2>On-disk format (interim)</h2>
 *
 * <p>This is an <b>interim whole-image format</b>: every commit (log force, sync, unmount)
 * writes the whole metadata image, so its cost grows with the filesystem. It replaces the Java
 * serialization bridge and will itself be replaced by the XFS-shaped format of issue 12 (AGF
 * and AGI with free-space and inode B+trees, bmbt blocks, a circular write-ahead log replayed at
 * mount). All integers are little-endian; "u8/u16/u32/u64" are unsigned widths (times and
 * sizes are signed 64-bit). Block numbers are device blocks.
 *
 * <p><b>Superblock</b>, block 0 (inside AG 0's reserved header blocks), written once by mkfs:
 *
 * <pre>
 * off size field
 *   0    4 magic        0x42534658 ("XFSB" as bytes)
 *   4    4 blocksize    bytes per block (512..4096; must equal the device's)
 *   8    8 dblocks      blocks in the filesystem (must equal the device's)
 *  16    8 agblocks     blocks per allocation group (the last may be shorter)
 *  24    4 agcount      allocation groups
 *  28    4 headerblocks reserved header blocks at the start of every AG
 *  32    8 logstart     first block of the log area
 *  40    8 logblocks    blocks in the log area
 *  48    4 crc          CRC32C of bytes 0..47
 * </pre>
 *
 * <p><b>Log area</b> ({@code logstart}, {@code logblocks}): block {@code logstart + s} is the
 * header of slot s (0 = A, 1 = B); slot s's image blocks start at {@code logstart + 2 + s * S}
 * with {@code S = (logblocks - 2) / 2}. The log writes the cost model counts land in the same
 * area but carry no content. A commit writes the encoded image into the slot not in use (plain
 * writes, counted as metadata), then that slot's header with PREFLUSH and FUA: the image is on
 * media before the header that names it, so a power cut leaves the old or the new image. An
 * image longer than a slot fails the commit with ENOSPC. Slot header:
 *
 * <pre>
 * off size field
 *   0    4 magic        0x544c5358 ("XSLT" as bytes)
 *   4    4 slot         0 or 1; must match the block it is in
 *   8    8 generation   1 at mkfs, +1 per commit; mount takes the highest valid one
 *  16    4 length       image bytes (1..slot capacity)
 *  20    4 imagecrc     CRC32C of the whole image
 *  24    4 crc          CRC32C of bytes 0..23
 * </pre>
 *
 * <p>A header with a bad magic, CRC, slot or length is ignored; with no valid header mount
 * fails with EUCLEAN. <b>Image blocks</b> carry {@code blocksize - 4} image bytes followed by
 * the CRC32C of those bytes (a short last block is zero-padded before the CRC); a mismatch is
 * EUCLEAN naming the block. The <b>image</b> ({@link org.vfsim.xfsish.XfsImageCodec}) is:
 *
 * <pre>
 * off size field                       (image header, 72 bytes)
 *   0    4 magic        0x474d4958 ("XIMG" as bytes)
 *   4    4 version      1
 *   8    4 blocksize    as the superblock (the geometry must agree with it)
 *  12    8 dblocks
 *  20    4 agcount      1..1024
 *  24    8 agblocks
 *  32    4 headerblocks
 *  36    8 logstart
 *  44    8 logblocks
 *  52    8 loghead      next block of the modelled circular log, 0..logblocks-1
 *  60    4 agrotor      next AG for a new directory's inodes
 *  64    8 rootino      inode number of the root directory
 * then agcount AG records, in AG order:
 *   0    8 agstart      first block (agno * agblocks)
 *   8    8 aglength     blocks in this AG
 *  16    8 nextagino    next AG-relative inode number to hand out
 *  24    4 nfree        free extents, then nfree x (u64 start block, u64 length), sorted by
 *                       start, inside the AG, never overlapping or touching (the bnobt; the
 *                       cntbt is rebuilt from it)
 * then u32 ninodes and ninodes dinodes, by inode number:
 *   0    8 ino          AG number in the high 32 bits, AG-relative number in the low
 *   8    1 type         1 regular file, 2 directory
 *   9    4 mode         permission bits
 *  13    4 uid
 *  17    4 gid
 *  21    4 nlink        0: unlinked but open at the commit (freed at the next mount)
 *  25    8 size         di_size: the size on disk (0 for directories)
 *  33    8 atime        nanoseconds since the epoch
 *  41    8 mtime
 *  49    8 ctime
 *  57    1 flags        bit 0: XFS_DIFLAG_PREALLOC (fallocated)
 *  58    4 nextents     extent records that follow
 *  62    4 nentries     directory entries that follow (0 for files)
 * then nextents records (33 bytes each; delayed extents never reach the disk):
 *   0    8 offset       file block
 *   8    8 start        device block
 *  16    8 length       blocks, 1..2^21-1
 *  24    1 state        0 written, 1 unwritten
 *  25    8 indlen       reserved bmbt blocks (0 for written and unwritten extents)
 * then nentries entries, by name:
 *   0    2 namelen      1..255
 *   2    n name         UTF-8, no '/'
 * 2+n    8 ino          the inode the entry names
 * </pre>
 *
 * <p>Decoding checks every count against the bytes left before reading what it counts (a
 * crafted length cannot make mount allocate), and checks the geometry, the AG ranges, the free
 * extents, the extent records and the root; a truncated or inconsistent image is one EUCLEAN
 * line naming the slot and generation.
 */
package org.vfsim.xfsish;
