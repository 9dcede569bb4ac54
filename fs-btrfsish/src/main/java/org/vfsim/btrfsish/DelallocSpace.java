package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkState;

import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;

/**
 * Reserving data and metadata space for dirty data ({@code delalloc-space.c}): may_use is
 * claimed at write time and handed to the allocation at writeback. Callers hold the fs lock
 * unless a method says otherwise.
 */
final class DelallocSpace {
  private final BtrfsFs fs;

  DelallocSpace(BtrfsFs fs) {
    this.fs = fs;
  }

  /**
   * Reserves {@code dataBytes} of data space and metadata for {@code sectors} dirtied sectors.
   * When they do not fit, flushes delalloc (writeback turns may_use into used and frees old
   * extents into pinned) and commits the transaction (pinned becomes free), then tries once
   * more before ENOSPC. Call with no folio locked.
   */
  void reserveDelalloc(Task task, long dataBytes, long sectors) {
    if (tryReserve(dataBytes, sectors)) {
      return;
    }
    synchronized (fs) {
      fs.counters.enospcFlushes++;
    }
    flushDelalloc(task);
    fs.transaction.commitTransaction();
    if (tryReserve(dataBytes, sectors)) {
      return;
    }
    synchronized (fs) {
      fs.counters.enospc++;
    }
    throw Errno.ENOSPC.exception("btrfsish: " + dataBytes + " bytes of fs.data space do not fit: "
        + fs.data);
  }

  /** Reserves without flushing (page_mkwrite holds a folio lock and cannot flush). */
  boolean tryReserve(long dataBytes, long sectors) {
    long metaBytes = sectors * BtrfsFs.META_RSV_PER_SECTOR;
    if (fs.data.unclaimed() < dataBytes || fs.meta.unclaimed() < metaBytes) {
      return false;
    }
    fs.data.mayUse += dataBytes;
    fs.meta.mayUse += metaBytes;
    fs.counters.reservations++;
    fs.counters.dataReservedBytes += dataBytes;
    fs.counters.metaReservedBytes += metaBytes;
    return true;
  }

  void releaseReservation(long dataBytes, long sectors) {
    long metaBytes = sectors * BtrfsFs.META_RSV_PER_SECTOR;
    checkState(fs.data.mayUse >= dataBytes && fs.meta.mayUse >= metaBytes,
        "release beyond may_use");
    fs.data.mayUse -= dataBytes;
    fs.meta.mayUse -= metaBytes;
    if (dataBytes > 0 || metaBytes > 0) {
      fs.counters.releases++;
      fs.counters.dataReleasedBytes += dataBytes;
      fs.counters.metaReleasedBytes += metaBytes;
    }
  }

  /** Writes back every dirty file and waits ({@code btrfs_start_delalloc_roots}). */
  void flushDelalloc(Task task) {
    for (BtrfsInode i : fs.liveInodes()) {
      Mapping m = i.mapping();
      if (m.nrDirty() > 0) {
        fs.machine().pageCache().writeback(task, m,
            WritebackControl.syncAll(WritebackControl.Reason.SYNC));
        m.waitWritebackRange(0, Long.MAX_VALUE);
      }
    }
  }

  /**
   * {@code btrfs_set_extent_delalloc}: sectors become delalloc. A sector that already was keeps
   * one reservation: the new one is released (btrfs clears the old accounting instead; the
   * totals are the same).
   */
  void markDelalloc(BtrfsInode inode, long firstSector, long n, boolean reserved) {
    for (long s = firstSector; s < firstSector + n; s++) {
      Boolean prev = inode.delalloc.get(s);
      if (prev == null) {
        inode.delalloc.put(s, reserved);
        continue;
      }
      if (reserved && prev) {
        releaseReservation(fs.sectorSize, 1);
      } else if (reserved) {
        inode.delalloc.put(s, true);
        releaseReservation(0, 1);
      } else {
        releaseReservation(0, 1);
      }
    }
  }

  /** Clears one delalloc sector, releasing its metadata and, if asked, its data reservation. */
  void clearDelalloc(BtrfsInode inode, long sector, boolean releaseData) {
    Boolean reserved = inode.delalloc.remove(sector);
    if (reserved == null) {
      return;
    }
    releaseReservation(reserved && releaseData ? fs.sectorSize : 0, 1);
  }

  boolean isDelalloc(BtrfsInode inode, long sector) {
    return inode.delalloc.containsKey(sector);
  }
}
