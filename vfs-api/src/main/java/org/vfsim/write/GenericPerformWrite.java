package org.vfsim.write;

import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.PageCache;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * {@code generic_perform_write}: the page-at-a-time buffered write every filesystem gets. The
 * order of its steps is the deadlock-avoidance rule of the write path: fault the source in
 * before any page is locked, copy with page faults disabled while the page is locked, and on a
 * short copy commit only what {@code write_end} accepts, unlock, and try again, so that a source
 * buffer that is an mmap of the destination (or is unmapped under us) can never make a task
 * fault while it holds a page lock.
 */
public final class GenericPerformWrite {
  private GenericPerformWrite() {}

  /**
   * Writes {@code i} at {@code pos}. Returns the bytes written, or throws when nothing was
   * written ({@code EFAULT}, {@code EINTR}, or the error of {@code write_begin}).
   */
  public static long run(Kiocb iocb, IovIter i, long pos) {
    Task task = iocb.task();
    Mapping mapping = iocb.inode().mapping();
    AddressSpaceOperations aops = mapping.aops();
    PageCache cache = mapping.cache();
    Hooks hooks = cache.hooks();
    long written = 0;
    ErrnoException status = null;

    try {
      while (i.count() > 0) {
        int offset = (int) (pos & (Folio.SIZE - 1));
        int bytes = (int) Math.min(Folio.SIZE - offset, i.count());
        while (true) {
          // Rule 1: fault in the source before locking any page cache page.
          if (i.faultInReadable(task, bytes) == bytes) {
            status = Errno.EFAULT.exception("source not readable");
            break;
          }
          if (task.fatalSignalPending()) {
            status = Errno.EINTR.exception("fatal signal");
            break;
          }
          hooks.fire(HookPoint.AFTER_FAULT_IN, task);
          Folio folio;
          try {
            folio = aops.writeBegin(iocb, mapping, pos, bytes, i.count());
          } catch (ErrnoException e) {
            status = e;
            break;
          }
          hooks.fire(HookPoint.BEFORE_ATOMIC_COPY, task);
          // Rule 2: copy with page faults disabled; it stops at the first absent source page.
          int copied = i.copyFolioFromIterAtomic(task, folio, offset, bytes);
          int committed = aops.writeEnd(iocb, mapping, pos, bytes, copied, folio);
          hooks.fire(HookPoint.AFTER_WRITE_END, task);
          if (copied != committed) {
            i.revert(copied - committed);
          }
          if (committed == 0) {
            // Rule 3: a short copy into a page that was not uptodate committed nothing; retry
            // with what did copy, or with at most the current source segment.
            bytes = copied > 0 ? copied : (int) Math.min(bytes, Math.max(1, i.singleSegCount()));
            continue;
          }
          pos += committed;
          written += committed;
          cache.balanceDirtyPages(task, mapping);
          break;
        }
        if (status != null) {
          break;
        }
      }
    } finally {
      aops.writeDone(iocb);
    }
    if (written > 0) {
      return written;
    }
    if (status != null) {
      throw status;
    }
    return 0;
  }
}
