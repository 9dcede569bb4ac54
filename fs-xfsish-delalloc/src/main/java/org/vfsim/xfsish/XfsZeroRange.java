package org.vfsim.xfsish;

import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.xfsish.ExtentMap.State;

/**
 * Zeroing part of a block through the page cache ({@code xfs_zero_range} over
 * {@code iomap_zero_range}), for truncate and for a write that starts past EOF.
 */
final class XfsZeroRange {
  private XfsZeroRange() {}

  /**
   * Zeroes {@code [from, to)} within one page through the page cache ({@code iomap_zero_range}
   * for a partial block) and says whether it dirtied anything ({@code did_zeroing}). A written
   * or delayed block is always zeroed and dirtied, even if the cached bytes already read as
   * zeros: past EOF the page cache shows zeros while the block on disk may still hold the bytes
   * a truncate cut off, and they must be overwritten before a larger size reaches the disk.
   * Holes and unwritten blocks read as zeros from disk, so only a dirty cached page there is
   * zeroed (and stays dirty).
   */
  static boolean zeroPartial(XfsInode ip, Task task, long from, long to) {
    XfsSuperBlock xsb = ip.sb();
    if (to <= from) {
      return false;
    }
    long idx = from >>> Folio.SHIFT;
    // The strongest state among the blocks of the range: written or delayed blocks hold (or
    // will hold) bytes on disk that must be overwritten.
    boolean written = false;
    boolean delayed = false;
    for (long b = from / xsb.bs; b * xsb.bs < to; b++) {
      State s = xsb.bmap.stateAt(ip, b);
      written |= s == State.NORM;
      delayed |= s == State.DELAY;
    }
    boolean onDisk = written || delayed;
    if (ip.mapping().lookup(idx) == null && !written) {
      return false;
    }
    Folio f = ip.cache().readFolio(task, ip.mapping(), idx);
    f.lock(task);
    try {
      if (f.isRemoved()) {
        return false;
      }
      int a = (int) (from - f.pos());
      int b = (int) Math.min(Folio.SIZE, to - f.pos());
      if (onDisk || f.isDirty()) {
        f.zero(a, b);
        f.markDirty();
        return true;
      }
      // A clean page over a hole or unwritten block: nothing on disk to overwrite.
      f.zero(a, b);
      return false;
    } finally {
      f.unlock(task);
    }
  }

  /** {@code xfs_file_write_zero_eof}: a write past EOF first zeroes from EOF to the write. */
  static void zeroEof(XfsInode ip, Task task, long pos) {
    long isize = ip.size();
    if (pos <= isize || (isize & (Folio.SIZE - 1)) == 0) {
      return;
    }
    long blockEnd = (isize | (Folio.SIZE - 1)) + 1;
    zeroPartial(ip, task, isize, Math.min(pos, blockEnd));
  }
}
