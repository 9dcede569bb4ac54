package org.vfsim.btrfsish;

import org.vfsim.fs.Kiocb;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.PageCache;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.write.IovIter;

/**
 * {@code btrfs_buffered_write}: the perform_write of the 2010 RFC. Per chunk of up to
 * {@code max_chunk_pages} pages it faults the source in (no page locked yet), reserves data and
 * metadata space for the whole chunk once, locks the chunk's pages, copies with page faults
 * disabled, releases the reservation of the pages the copy did not dirty, marks the rest
 * delalloc, unlocks, and only then balances dirty pages.
 */
final class BufferedWrite {
  /** How the chunk is filled from the source. */
  interface CopyStep {
    /** Whether the source is faulted in before any page is locked (the 2010 code did not). */
    boolean faultInBeforeLocking();

    /** Copies up to {@code bytes} into {@code folio} at {@code offset}; returns bytes copied. */
    int copy(Task task, IovIter from, Folio folio, int offset, int bytes);
  }

  /** The rule: fault in first, then copy atomically under the page locks. */
  static final CopyStep ATOMIC = new CopyStep() {
    @Override
    public boolean faultInBeforeLocking() {
      return true;
    }

    @Override
    public int copy(Task task, IovIter from, Folio folio, int offset, int bytes) {
      return from.copyFolioFromIterAtomic(task, folio, offset, bytes);
    }
  };

  private BufferedWrite() {}

  static long run(BtrfsFs fs, Kiocb iocb, IovIter i, long pos) {
    Task task = iocb.task();
    BtrfsInode inode = (BtrfsInode) iocb.inode();
    Mapping mapping = inode.mapping();
    PageCache cache = mapping.cache();
    Hooks hooks = cache.hooks();
    CopyStep step = fs.copyStep;
    int bs = fs.sectorSize;
    if (pos > inode.size()) {
      inode.contExpand(task, inode.size()); // btrfs_write_check -> btrfs_cont_expand
    }
    long written = 0;
    ErrnoException status = null;
    boolean forceUptodate = false;
    int nrPages = fs.maxChunkPages;
    while (i.count() > 0) {
      int offset = (int) (pos & (Folio.SIZE - 1));
      long writeBytes = Math.min(i.count(), (long) nrPages * Folio.SIZE - offset);
      // Rule 1: fault the source in before any page of the chunk is locked.
      if (step.faultInBeforeLocking() && i.faultInReadable(task, writeBytes) == writeBytes) {
        status = Errno.EFAULT.exception("source not readable");
        break;
      }
      if (task.fatalSignalPending()) {
        status = Errno.EINTR.exception("fatal signal");
        break;
      }
      hooks.fire(HookPoint.AFTER_FAULT_IN, task);
      long sectorOffset = pos & (bs - 1);
      long start = pos - sectorOffset;
      long reserveBytes = roundUp(writeBytes + sectorOffset, bs);
      boolean noReserve = false;
      if (inode.nodatacow()) {
        // NODATACOW over an unshared allocated extent: overwrite in place, no data space needed.
        long n = fs.nocowLength(inode, start, reserveBytes);
        if (n > 0) {
          noReserve = true;
          reserveBytes = n;
          writeBytes = Math.min(writeBytes, n - sectorOffset);
        }
      }
      long sectors = reserveBytes / bs;
      long dataRsv = noReserve ? 0 : reserveBytes;
      try {
        fs.reserveDelalloc(task, dataRsv, sectors);
      } catch (ErrnoException e) {
        status = e;
        break;
      }
      int pages = (int) ((offset + writeBytes + Folio.SIZE - 1) / Folio.SIZE);
      Folio[] folios = new Folio[pages];
      int locked = 0;
      long copied = 0;
      try {
        // prepare_pages: lock the chunk's pages; a partially covered page must be valid first.
        for (int p = 0; p < pages; p++) {
          folios[p] = cache.grabFolio(task, mapping, (pos >>> Folio.SHIFT) + p);
          locked++;
        }
        prepareUptodate(fs, inode, task, folios[0], pos, writeBytes, forceUptodate);
        if (pages > 1) {
          prepareUptodate(fs, inode, task, folios[pages - 1], pos, writeBytes, forceUptodate);
        }
        // Rule 2: copy with faults disabled; stop at the first page the copy could not fill.
        int off = offset;
        for (int p = 0; p < pages && copied < writeBytes; p++) {
          int n = (int) Math.min(Folio.SIZE - off, writeBytes - copied);
          hooks.fire(HookPoint.BEFORE_ATOMIC_COPY, task);
          int c = step.copy(task, i, folios[p], off, n);
          if (c < n) {
            if (!folios[p].isUptodate()) {
              // Rule 3: nothing of a short copy into a page that is not uptodate.
              i.revert(c);
              c = 0;
            }
            copied += c;
            break;
          }
          copied += c;
          off = 0;
        }
      } catch (RuntimeException e) {
        for (int p = 0; p < locked; p++) {
          folios[p].unlock(task);
        }
        fs.releaseReservation(dataRsv, sectors);
        if (e instanceof ErrnoException ee) {
          status = ee;
          break;
        }
        throw e;
      }
      long dirtySectors = copied == 0 ? 0 : roundUp(copied + sectorOffset, bs) / bs;
      if (dirtySectors < sectors) {
        // Release exactly the reservation of the sectors this copy did not dirty.
        long unused = sectors - dirtySectors;
        fs.releaseReservation(noReserve ? 0 : unused * bs, unused);
      }
      if (copied < writeBytes) {
        synchronized (fs) {
          fs.counters.shortCopies++;
        }
      }
      if (copied > 0) {
        // btrfs_dirty_pages: delalloc, uptodate, dirty and i_size, all under the page locks.
        fs.markDelalloc(inode, start / bs, dirtySectors, !noReserve);
        int dirtyPages = (int) ((offset + copied + Folio.SIZE - 1) / Folio.SIZE);
        for (int p = 0; p < dirtyPages; p++) {
          folios[p].markUptodate();
          folios[p].markDirty();
        }
        if (pos + copied > inode.size()) {
          inode.setSize(pos + copied);
        }
      }
      for (int p = 0; p < pages; p++) {
        folios[p].unlock(task);
      }
      hooks.fire(HookPoint.AFTER_WRITE_END, task);
      if (copied < writeBytes) {
        nrPages = 1; // trouble faulting in: fall back to a page at a time
      }
      if (copied == 0) {
        forceUptodate = true; // the retry reads the page so a partial copy can be kept
        continue;
      }
      forceUptodate = false;
      pos += copied;
      written += copied;
      cache.balanceDirtyPages(task, mapping);
    }
    if (written > 0) {
      return written;
    }
    if (status != null) {
      throw status;
    }
    return 0;
  }

  /**
   * {@code prepare_uptodate_folio}: a page the write covers only partly (or any page, after a
   * short copy) is read first, so that the bytes the write does not touch are valid.
   */
  static void prepareUptodate(BtrfsFs fs, BtrfsInode inode, Task task, Folio folio, long pos,
      long len, boolean force) {
    if (folio.isUptodate()) {
      return;
    }
    long clampStart = Math.max(pos, folio.pos());
    long clampEnd = Math.min(pos + len, folio.pos() + Folio.SIZE);
    if (!force && clampStart % Folio.SIZE == 0 && clampEnd % Folio.SIZE == 0) {
      return;
    }
    fs.readPage(task, inode, folio);
  }

  private static long roundUp(long v, long to) {
    return (v + to - 1) / to * to;
  }
}
