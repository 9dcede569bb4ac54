package org.vfsim.ext2ish;

import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.vfsim.block.BlockDevice;

/**
 * Dirty metadata buffers: the blocks ext2 would write (bitmaps, group descriptors, superblock,
 * inode table blocks, indirect and directory blocks), written as metadata I/O when the real
 * filesystem would write them, adjacent blocks in one request.
 */
final class MetadataTracker {
  private final Geometry geo;
  private final TreeSet<Long> dirty = new TreeSet<>();
  private final int devPerFs;
  private Counters counters;

  MetadataTracker(Geometry geo, int deviceBlockSize) {
    this.geo = geo;
    this.devPerFs = geo.blockSize / deviceBlockSize;
  }

  void setCounters(Counters c) {
    this.counters = c;
  }

  void dirty(long block) {
    dirty.add(block);
  }

  /** A group's bitmap and descriptor changed ({@code mark_buffer_dirty} of both, and the superblock). */
  void dirtyGroup(int g) {
    dirty.add(geo.blockBitmap(g));
    dirty.add(geo.gdtBlockOf(g));
    dirty.add(geo.superBlockBlock());
  }

  void dirtyInodeBitmap(int g) {
    dirty.add(geo.inodeBitmap(g));
    dirty.add(geo.gdtBlockOf(g));
    dirty.add(geo.superBlockBlock());
  }

  void dirtyInode(long ino) {
    dirty.add(geo.inodeBlock(ino));
  }

  /** A freed block's buffer is forgotten ({@code bforget}): nothing to write for it any more. */
  void forget(long block) {
    dirty.remove(block);
  }

  boolean isDirty(long block) {
    return dirty.contains(block);
  }

  /** Writes every dirty block in {@code blocks}, adjacent ones as one request. */
  void writeSome(BlockDevice dev, NavigableSet<Long> blocks) {
    TreeSet<Long> todo = new TreeSet<>();
    for (long b : blocks) {
      if (dirty.remove(b)) {
        todo.add(b);
      }
    }
    submit(dev, todo);
  }

  /** Writes all dirty metadata ({@code sync_fs} and the block device's own writeback). */
  void writeAll(BlockDevice dev) {
    TreeSet<Long> todo = new TreeSet<>(dirty);
    dirty.clear();
    submit(dev, todo);
  }

  private void submit(BlockDevice dev, TreeSet<Long> todo) {
    Iterator<Long> it = todo.iterator();
    long start = -1;
    long n = 0;
    while (it.hasNext()) {
      long b = it.next();
      if (n > 0 && b == start + n) {
        n++;
        continue;
      }
      if (n > 0) {
        issue(dev, start, n);
      }
      start = b;
      n = 1;
    }
    if (n > 0) {
      issue(dev, start, n);
    }
  }

  private void issue(BlockDevice dev, long start, long n) {
    dev.writeMetadata(start * devPerFs, n * devPerFs, false);
    counters.metadataWrites++;
    counters.metadataBlocksWritten += n;
  }
}
