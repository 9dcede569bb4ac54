/**
 * btrfsish: a copy-on-write filesystem with btrfs's data-space reservation, for comparing its
 * allocation behaviour with the other plugins.
 *
 * <p>The model, in btrfs's terms: writes reserve data ({@code may_use}) and metadata space per
 * chunk in {@link org.vfsim.btrfsish.BufferedWrite} and mark sectors delalloc; writeback
 * allocates new extents at one shared cursor ({@code may_use -> reserved -> used}), writes, and
 * re-points the file extent items, dropping references from old extents, which are freed into
 * {@code pinned} only when nothing references any part of them (bookends) and become free at the
 * next commit. Commits run on the simulated clock and at sync; fsync writes a log tree. The
 * trees are Java maps, stored durably with {@code BlockDevice.storeObject}; the nodes a real
 * commit or log would write are counted as metadata I/O from a simple leaf/path model.
 */

package org.vfsim.btrfsish;
