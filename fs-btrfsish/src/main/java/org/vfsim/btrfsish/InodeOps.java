package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.vfsim.block.IoKind;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * The data paths of an inode ({@code inode.c}, {@code reflink.c}): COW and NOCOW writeback,
 * read with checksum verification, preallocation and clone. Callers hold the fs lock unless a
 * method says otherwise.
 */
final class InodeOps {
  private final BtrfsFs fs;

  InodeOps(BtrfsFs fs) {
    this.fs = fs;
  }

  /**
   * How many bytes from sector-aligned {@code pos} (up to {@code len}) can be written in place
   * ({@code can_nocow_extent}): covered by an item of an unshared extent that is preallocated,
   * or regular in a NODATACOW inode, with no checksums in the range to keep consistent.
   */
  long nocowLength(BtrfsInode inode, long pos, long len) {
    long done = 0;
    while (done < len) {
      Map.Entry<Long, FileExtentItem> e = fs.fileExtents.itemAt(inode, pos + done);
      if (e == null) {
        break;
      }
      FileExtentItem it = e.getValue();
      if (!it.prealloc() && !inode.item.has(InodeItem.FLAG_NODATACOW)) {
        break;
      }
      DiskExtent ext = fs.extents.get(it.diskBytenr());
      if (ext == null || ext.shared()
          || fs.extentTree.crossRefPending(ext,
              new DataRef(inode.ino(), it.backrefBase(e.getKey())))) {
        break;
      }
      long delta = pos + done - e.getKey();
      long n = Math.min(it.numBytes() - delta, len - done);
      long phys = it.diskByteAt(delta);
      // run_delalloc_nocow forces COW when checksums exist in the range, preallocated or not,
      // so that an extent's checksums are either valid or absent: a preallocated item can sit
      // over bytes another file's committed (or logged) item holds as written data with their
      // checksums - e.g. after a log replay restored this file's prealloc item from an fsync
      // older than the write the other file's fsync saw.
      if (!fs.csums.subMap(phys, phys + n).isEmpty()) {
        break;
      }
      done += n;
    }
    return done;
  }

  /**
   * {@code cow_file_range} and the ordered-extent completion for a run of contiguous dirty
   * pages: allocates new extents at the shared cursor (may_use becomes reserved), writes the
   * data, then points the file's items at the new extents (reserved becomes used) and drops
   * the old items' references.
   */
  void writeCow(Task task, BtrfsInode inode, List<Folio> run) {
    int done = 0;
    long unreserved = 0;
    for (Folio f : run) {
      if (!Boolean.TRUE.equals(inode.delalloc.get(f.index()))) {
        unreserved += fs.sectorSize;
      }
    }
    if (unreserved > fs.data.unclaimed()) {
      failPages(inode, run, 0, run.size(), Errno.ENOSPC);
      return;
    }
    while (done < run.size()) {
      long want = Math.min((long) (run.size() - done) * fs.sectorSize, BtrfsFs.MAX_EXTENT);
      long[] got = fs.freeSpace.allocate(fs, task, want, fs.sectorSize);
      if (got == null) {
        failPages(inode, run, done, run.size(), Errno.ENOSPC);
        return;
      }
      int pages = (int) (got[1] / fs.sectorSize);
      for (int p = done; p < done + pages; p++) {
        if (Boolean.TRUE.equals(inode.delalloc.get(run.get(p).index()))) {
          fs.data.mayUse -= fs.sectorSize; // the reservation is now this allocation
          inode.delalloc.put(run.get(p).index(), false);
        }
      }
      byte[] buf = new byte[pages * fs.sectorSize];
      for (int p = 0; p < pages; p++) {
        System.arraycopy(run.get(done + p).data(), 0, buf, p * fs.sectorSize, fs.sectorSize);
      }
      try {
        fs.device.write(got[0] / fs.device.blockSize(), buf, 0, pages * fs.devBlocksPerSector,
            IoKind.DATA,
            false);
      } catch (ErrnoException e) {
        // The ordered extent failed: the new extent is returned at once, the items stay.
        fs.data.reserved -= got[1];
        fs.freeSpace.add(got[0], got[1]);
        failPages(inode, run, done, done + pages, Errno.EIO);
        done += pages;
        continue;
      }
      fs.extentTree.completeAllocation(got[0], got[1]);
      long pos = run.get(done).pos();
      fs.fileExtents.dropExtents(inode, pos, pos + got[1]);
      fs.fileExtents.putItem(inode, pos, new FileExtentItem(got[0], got[1], 0, got[1], false));
      if (!inode.item.has(InodeItem.FLAG_NODATASUM)) {
        addCsums(got[0], buf, pages);
      }
      for (int p = done; p < done + pages; p++) {
        fs.delalloc.clearDelalloc(inode, run.get(p).index(), false);
      }
      fs.counters.cowAllocations++;
      fs.counters.cowBytes += got[1];
      done += pages;
    }
  }

  /** {@code run_delalloc_nocow}: writes a page in place; its data reservation is not needed. */
  void writeNocow(Task task, BtrfsInode inode, Folio folio) {
    Map.Entry<Long, FileExtentItem> e = fs.fileExtents.itemAt(inode, folio.pos());
    checkState(e != null, "nocow write without an item at %s", folio.pos());
    FileExtentItem it = e.getValue();
    long phys = it.diskByteAt(folio.pos() - e.getKey());
    try {
      fs.device.write(phys / fs.device.blockSize(), folio.data(), 0, fs.devBlocksPerSector,
          IoKind.DATA,
          false);
    } catch (ErrnoException ex) {
      failPages(inode, List.of(folio), 0, 1, Errno.EIO);
      return;
    }
    if (it.prealloc()) {
      fs.fileExtents.markWritten(inode, folio.pos(), fs.sectorSize);
    }
    if (!inode.item.has(InodeItem.FLAG_NODATASUM)) {
      addCsums(phys, folio.data(), 1);
    }
    fs.delalloc.clearDelalloc(inode, folio.index(), true);
    fs.counters.nocowWrites++;
  }

  /** A failed writeback: the pages lose their data (as btrfs cleans them with an error). */
  void failPages(BtrfsInode inode, List<Folio> run, int from, int to, Errno err) {
    for (int p = from; p < to; p++) {
      Folio f = run.get(p);
      f.setError();
      fs.delalloc.clearDelalloc(inode, f.index(), true);
    }
    inode.mapping().setWritebackError(err);
    fs.counters.writebackErrors++;
  }

  void addCsums(long bytenr, byte[] buf, int sectors) {
    if (fs.device.dataless()) {
      return;
    }
    for (int s = 0; s < sectors; s++) {
      CRC32C crc = new CRC32C();
      crc.update(buf, s * fs.sectorSize, fs.sectorSize);
      long at = bytenr + (long) s * fs.sectorSize;
      fs.csums.put(at, (int) crc.getValue());
      fs.dirtyCsumRuns(at, at + 1);
    }
  }

  /**
   * {@code btrfs_read_folio}: holes, preallocated ranges and bytes past EOF read as zeros; data
   * is checked against its crc32c.
   */
  void readPage(Task task, BtrfsInode inode, Folio folio) {
    byte[] d = folio.data();
    long pos = folio.pos();
    long size = inode.size();
    long phys = -1;
    Integer expected = null;
    if (pos < size) {
      synchronized (fs) {
        Map.Entry<Long, FileExtentItem> e = fs.fileExtents.itemAt(inode, pos);
        if (e != null && !e.getValue().prealloc()) {
          phys = e.getValue().diskByteAt(pos - e.getKey());
          expected = fs.csums.get(phys);
        }
      }
    }
    if (phys < 0) {
      folio.zero(0, Folio.SIZE);
    } else {
      fs.device.read(phys / fs.device.blockSize(), d, 0, fs.devBlocksPerSector, IoKind.DATA);
      if (expected != null && !fs.device.dataless()) {
        CRC32C crc = new CRC32C();
        crc.update(d, 0, fs.sectorSize);
        if ((int) crc.getValue() != expected) {
          synchronized (fs) {
            fs.counters.csumErrors++;
          }
          throw Errno.EIO.exception(String.format(
              "csum failed ino %d off %d logical %d csum 0x%08x expected 0x%08x", inode.ino(),
              pos, phys, (int) crc.getValue(), expected));
        }
      }
      if (size - pos < Folio.SIZE) {
        folio.zero((int) (size - pos), Folio.SIZE);
      }
    }
    folio.markUptodate();
  }

  /**
   * {@code btrfs_prealloc_file_range}: allocates preallocated extents for the holes in
   * {@code [start, end)} (sector aligned); ENOSPC, after a flush and commit, if they do not fit.
   */
  void preallocate(Task task, BtrfsInode inode, long start, long end) {
    if (!holesFit(inode, start, end)) {
      fs.delalloc.flushDelalloc(task);
      fs.transaction.commitTransaction();
      if (!holesFit(inode, start, end)) {
        synchronized (fs) {
          fs.counters.enospc++;
        }
        throw Errno.ENOSPC.exception("btrfsish: fallocate does not fit: " + fs.data);
      }
    }
    synchronized (fs) {
      for (long[] hole : fs.fileExtents.holes(inode, start, end)) {
        long at = hole[0];
        while (at < hole[1]) {
          long[] got = fs.freeSpace.allocate(fs, task,
              Math.min(hole[1] - at, BtrfsFs.MAX_EXTENT), fs.sectorSize);
          if (got == null) {
            throw Errno.ENOSPC.exception("btrfsish: allocation failed in fallocate");
          }
          fs.extentTree.completeAllocation(got[0], got[1]);
          fs.fileExtents.putItem(inode, at, new FileExtentItem(got[0], got[1], 0, got[1], true));
          fs.counters.preallocBytes += got[1];
          at += got[1];
        }
      }
    }
  }

  boolean holesFit(BtrfsInode inode, long start, long end) {
    long need = 0;
    for (long[] h : fs.fileExtents.holes(inode, start, end)) {
      need += h[1] - h[0];
    }
    return need <= fs.data.unclaimed();
  }

  /** {@code btrfs_clone}: the destination range references the source's extents. */
  void cloneRange(BtrfsInode src, long srcOff, BtrfsInode dst, long dstOff,
      long len) {
    List<Object[]> slices = new ArrayList<>();
    long end = srcOff + len;
    Map.Entry<Long, FileExtentItem> e = fs.fileExtents.itemAt(src, srcOff);
    long from = e != null ? e.getKey() : srcOff;
    for (Map.Entry<Long, FileExtentItem> x : src.item.items.tailMap(from, true).entrySet()) {
      long k = x.getKey();
      FileExtentItem it = x.getValue();
      if (k >= end) {
        break;
      }
      long s = Math.max(k, srcOff);
      long t = Math.min(k + it.numBytes(), end);
      if (t > s) {
        slices.add(new Object[] {dstOff + (s - srcOff), it.slice(s - k, t - s)});
      }
    }
    fs.fileExtents.dropExtents(dst, dstOff, dstOff + len);
    for (Object[] sl : slices) {
      fs.fileExtents.putItem(dst, (Long) sl[0], (FileExtentItem) sl[1]);
    }
    fs.counters.clones++;
  }
}
