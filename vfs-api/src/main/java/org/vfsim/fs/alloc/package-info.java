/**
 * Allocation policies as plugins: where a filesystem puts the blocks of a file is a
 * {@link org.vfsim.fs.alloc.AllocationPolicy} it takes by mount option ({@code policy=NAME}),
 * so that comparing placement strategies costs one class each, not one filesystem each.
 *
 * <p>The filesystem keeps everything else (its metadata, its free-space indexes, the order in
 * which it writes, its reservations) and asks the policy one question per allocation: given the
 * request (file, logical block, how many blocks, the least it will accept, and the filesystem's
 * own goal), a read-only {@link org.vfsim.fs.alloc.FreeSpace} view and the file's current
 * extents, which free extent should it take? The filesystem then allocates exactly that, and
 * tells the policy about blocks it frees. A policy must answer within the free space it was
 * shown; the filesystem checks.
 *
 * <p>Shipped policies, the classic baselines: {@code firstfit} (lowest-addressed free extent that
 * fits), {@code bestfit} (smallest free extent that fits, by size), {@code nextfit} (first fit
 * from a roving cursor where the last allocation ended). Each filesystem's own allocator is its
 * default policy ({@code policy=default}). A researcher's policy is one class implementing
 * {@code AllocationPolicy} plus a line in
 * {@code META-INF/services/org.vfsim.fs.alloc.AllocationPolicy}.
 */
package org.vfsim.fs.alloc;
