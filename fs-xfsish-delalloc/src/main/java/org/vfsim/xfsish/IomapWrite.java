package org.vfsim.xfsish;

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
 * {@code iomap_file_buffered_write} as XFS drives it: map the rest of the write once
 * ({@code iomap_begin}), copy one page at a time under the generic path's rules (fault in before
 * locking, atomic copy, commit nothing of a short copy into a page that is not uptodate, retry),
 * then {@code iomap_end} with the bytes written; repeat until the write is done. An ENOSPC with
 * nothing written flushes, trims post-EOF blocks and retries once ({@code xfs_file_buffered_write}).
 */
final class IomapWrite {
  private IomapWrite() {}

  static long bufferedWrite(Kiocb iocb, XfsInode ip, XfsSuperBlock sb, IovIter from, long pos) {
    Task task = iocb.task();
    ip.zeroEof(task, pos); // xfs_file_write_checks
    try {
      return iomapWrite(iocb, ip, sb, from, pos);
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ENOSPC) {
        throw e;
      }
      XfsAops.clearSpace(task, sb, ip);
      return iomapWrite(iocb, ip, sb, from, pos);
    }
  }

  private static long iomapWrite(Kiocb iocb, XfsInode ip, XfsSuperBlock sb, IovIter i, long pos) {
    Task task = iocb.task();
    Mapping mapping = ip.mapping();
    PageCache cache = mapping.cache();
    Hooks hooks = cache.hooks();
    long written = 0;
    ErrnoException status = null;
    while (i.count() > 0 && status == null) {
      Iomap m;
      try {
        m = sb.bmap.writeBegin(task, ip, pos, i.count(), false);
      } catch (ErrnoException e) {
        status = e;
        break;
      }
      long done = 0;
      // iomap_write_iter over this mapping
      while (done < m.length() && i.count() > 0) {
        int offset = (int) (pos & (Folio.SIZE - 1));
        int bytes = (int) Math.min(Math.min(Folio.SIZE - offset, m.length() - done), i.count());
        boolean advanced = false;
        while (true) {
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
            folio = cache.grabFolio(task, mapping, pos >>> Folio.SHIFT);
          } catch (ErrnoException e) {
            status = e;
            break;
          }
          try {
            ip.prepareFolio(task, folio, bytes);
          } catch (ErrnoException e) {
            folio.unlock(task);
            status = e;
            break;
          }
          hooks.fire(HookPoint.BEFORE_ATOMIC_COPY, task);
          int copied = i.copyFolioFromIterAtomic(task, folio, offset, bytes);
          int committed = ip.commit(task, folio, pos, bytes, copied);
          hooks.fire(HookPoint.AFTER_WRITE_END, task);
          if (copied != committed) {
            i.revert(copied - committed);
          }
          if (committed == 0) {
            bytes = copied > 0 ? copied : (int) Math.min(bytes, Math.max(1, i.singleSegCount()));
            continue;
          }
          pos += committed;
          done += committed;
          advanced = true;
          cache.balanceDirtyPages(task, mapping);
          break;
        }
        if (!advanced) {
          break;
        }
      }
      sb.bmap.writeEnd(task, ip, m, done);
      written += done;
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
