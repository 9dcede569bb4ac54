package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Busy extents ({@code xfs_extent_busy.c}): blocks freed by a transaction are free on disk once
 * its checkpoint is, but must not be handed out again before that - a crash would leave the old
 * owner mapping blocks that already hold someone else's data. They wait here, counted as free
 * in {@code m_fdblocks} and in the on-disk free-space trees of the checkpoint that frees them,
 * and go back to the allocator when that checkpoint is on disk. An allocation that finds no
 * space while blocks are busy forces the log and retries ({@code xfs_extent_busy_flush}).
 */
final class ExtentBusy {
  /**
   * One busy extent, the sequence of the checkpoint that will carry its freeing, and whether it
   * was a metadata block (its buffer is forgotten when the freeing is on disk).
   */
  record Busy(long start, long len, long seq, boolean meta) {}

  private final List<Busy> busy = new ArrayList<>();
  private long blocks;

  void add(long start, long len, long seq, boolean meta) {
    busy.add(new Busy(start, len, seq, meta));
    blocks += len;
  }

  boolean isEmpty() {
    return busy.isEmpty();
  }

  long blocks() {
    return blocks;
  }

  List<Busy> all() {
    return List.copyOf(busy);
  }

  /** Removes and returns the extents whose freeing is on disk with checkpoint {@code seq}. */
  List<Busy> clear(long seq) {
    List<Busy> out = new ArrayList<>();
    for (Iterator<Busy> it = busy.iterator(); it.hasNext(); ) {
      Busy b = it.next();
      if (b.seq() <= seq) {
        out.add(b);
        blocks -= b.len();
        it.remove();
      }
    }
    return out;
  }
}
