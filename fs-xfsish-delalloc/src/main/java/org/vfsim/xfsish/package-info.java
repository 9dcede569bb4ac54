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
 *   <li>Block sizes from 512 bytes to the page size (the device's block size). With blocks
 *       smaller than a page, pages are read, zeroed and written back block by block; a block
 *       that no write reserved (a hole inside a dirty page) is not written, as iomap's per-block
 *       dirty state would leave it; {@code page_mkwrite} reserves every block of the page up to
 *       EOF.
 *   <li>Metadata lives in Java objects. Its I/O is counted by a simple model: every transaction
 *       adds logged buffers (128 bytes each plus a 32-byte header) to the in-memory log and
 *       dirties the home blocks of the AGF, the free-space btree roots, the inode cluster and,
 *       past 21 extents, bmbt blocks; a log force (fsync, sync, the 30 s log worker, unmount)
 *       flushes the device, writes the log blocks with FUA and stores the on-disk image; sync
 *       and unmount also write the dirty metadata blocks in place. bmbt blocks take no space:
 *       their reservation (indlen) is returned in full at conversion. Inodes take no space.
 * </ul>
 */
package org.vfsim.xfsish;
