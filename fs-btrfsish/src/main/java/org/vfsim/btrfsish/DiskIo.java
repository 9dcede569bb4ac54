package org.vfsim.btrfsish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.block.RequestFlag;
import org.vfsim.syscall.Errno;

/**
 * Tree blocks on the device ({@code disk-io.c}, and {@code btrfs_alloc_tree_block}): the cache
 * of decoded nodes, reading and verifying a block, allocating one from the metadata space,
 * freeing it (pinned until the commit if a superblock may still reference it), writing nodes
 * and superblocks. Whole nodes go to the device directly, counted as METADATA.
 */
final class DiskIo {
  final BlockDevice device;
  final Layout layout;
  final int nodesize;
  private final int devBlocksPerNode;
  final SpaceInfo meta;
  final FreeSpaceCache free;
  private final Map<Long, ExtentBuffer> cache = new HashMap<>();
  /** Freed tree blocks a durable superblock may still reference: free after the next commit. */
  private final List<Long> pinned = new ArrayList<>();
  /** The transaction new blocks belong to: the last committed generation plus one. */
  long transid;
  long nodesWritten;
  long nodesRead;

  DiskIo(BlockDevice device, Layout layout, SpaceInfo meta, long transid) {
    this.device = device;
    this.layout = layout;
    this.nodesize = layout.nodeSize();
    this.devBlocksPerNode = nodesize / device.blockSize();
    this.meta = meta;
    this.transid = transid;
    long end = layout.metaStart() + layout.metaBytes();
    this.free = new FreeSpaceCache(layout.metaStart(), end);
  }

  /** At mount: every block not referenced by a tree is free, except the superblock mirrors. */
  void initFree(java.util.Set<Long> used) {
    long at = layout.metaStart();
    long end = layout.metaStart() + layout.metaBytes();
    for (; at + nodesize <= end; at += nodesize) {
      if (overlapsSuper(at, nodesize)) {
        meta.readonly += nodesize;
      } else if (!used.contains(at)) {
        free.add(at, nodesize);
      }
    }
    meta.used = (long) used.size() * nodesize;
  }

  static boolean overlapsSuper(long at, long len) {
    for (long m : DiskSuper.MIRRORS) {
      if (at < m + DiskSuper.SIZE && m < at + len) {
        return true;
      }
    }
    return false;
  }

  /** {@code read_tree_block}: the cached node, or the block read and verified (EIO if bad). */
  ExtentBuffer read(long bytenr) {
    ExtentBuffer e = cache.get(bytenr);
    if (e != null) {
      return e;
    }
    e = readUncached(bytenr);
    cache.put(bytenr, e);
    return e;
  }

  ExtentBuffer readUncached(long bytenr) {
    if (bytenr < layout.metaStart() || bytenr + nodesize > layout.metaStart() + layout.metaBytes()
        || bytenr % nodesize != 0) {
      throw Errno.EIO.exception("btrfsish: tree block pointer " + bytenr + " outside metadata");
    }
    byte[] b = new byte[nodesize];
    device.read(bytenr / device.blockSize(), b, 0, devBlocksPerNode, IoKind.METADATA);
    nodesRead++;
    return ExtentBuffer.decode(b, bytenr);
  }

  /** {@code btrfs_alloc_tree_block}: a new empty node of the running transaction. */
  ExtentBuffer alloc(long owner, int level) {
    long[] got = free.find(nodesize, nodesize);
    if (got == null) {
      throw Errno.ENOSPC.exception("btrfsish: metadata space exhausted: " + meta);
    }
    free.remove(got[0], nodesize);
    free.advanceCursor(got[0] + nodesize);
    meta.used += nodesize;
    ExtentBuffer e = new ExtentBuffer(got[0], transid, owner, level);
    cache.put(e.bytenr, e);
    return e;
  }

  /** COW: a copy of {@code e} in a new block; {@code e} is freed. */
  ExtentBuffer cow(ExtentBuffer e) {
    ExtentBuffer c = alloc(e.owner, e.level);
    ExtentBuffer copy = e.copyTo(c.bytenr, transid);
    cache.put(copy.bytenr, copy);
    release(e);
    return copy;
  }

  /** Whether a change to {@code e} must copy it first ({@code should_cow_block}). */
  boolean mustCow(ExtentBuffer e) {
    return e.written || e.generation != transid;
  }

  /**
   * {@code btrfs_free_tree_block}: a block never written is free at once; one that was written
   * may be referenced by the durable superblock, so it stays pinned until the next commit.
   */
  void release(ExtentBuffer e) {
    cache.remove(e.bytenr);
    if (e.written) {
      pinned.add(e.bytenr);
      meta.used -= nodesize;
      meta.pinned += nodesize;
    } else {
      meta.used -= nodesize;
      free.add(e.bytenr, nodesize);
    }
  }

  /** After a commit's superblock is durable: pinned tree blocks become free. */
  void unpin() {
    for (long b : pinned) {
      free.add(b, nodesize);
    }
    meta.pinned -= (long) pinned.size() * nodesize;
    pinned.clear();
  }

  List<Long> pinnedBlocks() {
    return pinned;
  }

  /** Writes the nodes (in block order, so runs of them are contiguous); returns how many. */
  int writeNodes(List<ExtentBuffer> nodes) {
    nodes.sort(Comparator.comparingLong(e -> e.bytenr));
    for (ExtentBuffer e : nodes) {
      byte[] b = e.encode(nodesize);
      device.write(e.bytenr / device.blockSize(), b, 0, devBlocksPerNode, IoKind.METADATA);
      e.written = true;
    }
    nodesWritten += nodes.size();
    return nodes.size();
  }

  /**
   * {@code write_all_supers}: the primary copy with PREFLUSH and FUA (everything written before
   * it is durable first, and it is durable on return), then each mirror with FUA. Returns the
   * device blocks written.
   */
  long writeSupers(DiskSuper sb) {
    int n = DiskSuper.SIZE / device.blockSize();
    boolean first = true;
    long blocks = 0;
    for (long off : DiskSuper.offsets(layout.totalBytes())) {
      byte[] b = sb.encode(off);
      if (first) {
        device.write(off / device.blockSize(), b, 0, n, IoKind.METADATA, RequestFlag.PREFLUSH,
            RequestFlag.FUA);
      } else {
        device.write(off / device.blockSize(), b, 0, n, IoKind.METADATA, RequestFlag.FUA);
      }
      first = false;
      blocks += n;
    }
    return blocks;
  }

  /**
   * The primary superblock if it passes its checksum, else the newest mirror that does (a torn
   * or damaged primary falls back to a mirror, as {@code btrfs_read_dev_super} and
   * {@code btrfs rescue super-recover} do). Null if no copy has the magic; EUCLEAN if copies
   * have it but none is intact.
   */
  static @Nullable DiskSuper readSuper(BlockDevice device) {
    DiskSuper best = null;
    boolean magic = false;
    int n = Math.max(1, DiskSuper.SIZE / device.blockSize());
    for (long off : DiskSuper.offsets(device.sizeBytes())) {
      byte[] b = new byte[n * device.blockSize()];
      device.read(off / device.blockSize(), b, 0, n, IoKind.METADATA);
      byte[] s = java.util.Arrays.copyOf(b, DiskSuper.SIZE);
      magic |= DiskSuper.hasMagic(s);
      DiskSuper sb = DiskSuper.decode(s, off);
      if (sb != null && off == DiskSuper.PRIMARY) {
        return sb;
      }
      if (sb != null && off + DiskSuper.SIZE <= sb.layout().totalBytes()
          && (best == null || sb.generation() > best.generation())) {
        best = sb;
      }
    }
    if (best == null && magic) {
      throw Errno.EUCLEAN.exception("btrfsish: no superblock copy passes its checksum");
    }
    return best;
  }

  void forgetCache() {
    cache.clear();
  }
}
