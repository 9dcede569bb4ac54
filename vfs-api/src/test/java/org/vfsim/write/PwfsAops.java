package org.vfsim.write;

import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.fs.PerformWrite;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.PageCache;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * pwfs's page-cache operations and its {@code perform_write}: one reservation for the whole
 * range (two units a page, the worst case), a page-at-a-time copy under the rules of the generic
 * path, and the unused reservation released before returning.
 */
final class PwfsAops implements AddressSpaceOperations, PerformWrite {
  private final PwfsSuperBlock sb;

  PwfsAops(PwfsSuperBlock sb) {
    this.sb = sb;
  }

  @Override
  public long performWrite(Kiocb iocb, IovIter from, long pos) {
    Task task = iocb.task();
    PwfsInode inode = (PwfsInode) iocb.inode();
    Mapping mapping = inode.mapping();
    PageCache cache = mapping.cache();
    Hooks hooks = cache.hooks();
    long first = pos >>> Folio.SHIFT;
    long pages = ((pos + from.count() - 1) >>> Folio.SHIFT) - first + 1;
    // Prepare once for the whole range; short of space, shorten the write to what was reserved.
    long reservation = sb.reserve(task, 2 * pages, 2, true);
    long cut = 0;
    if (reservation / 2 < pages) {
      cut = from.truncate(((first + reservation / 2) << Folio.SHIFT) - pos);
    }
    long written = 0;
    ErrnoException status = null;
    try {
      while (from.count() > 0) {
        int offset = (int) (pos & (Folio.SIZE - 1));
        int bytes = (int) Math.min(Folio.SIZE - offset, from.count());
        while (true) {
          // Fault the source in before any folio is locked (the broken variant does not).
          if (sb.variant != PwfsType.Variant.FAULTING && from.faultInReadable(task, bytes) == bytes) {
            status = Errno.EFAULT.exception("source not readable");
            break;
          }
          if (task.fatalSignalPending()) {
            status = Errno.EINTR.exception("fatal signal");
            break;
          }
          hooks.fire(HookPoint.AFTER_FAULT_IN, task);
          Folio folio = beginPage(task, inode, pos, bytes);
          int need = inode.unitsToDirty(folio.index());
          if (need > reservation) {
            // Written back and redirtied since this write reserved: top up, never flush here.
            try {
              reservation += sb.reserve(task, need - reservation, need - reservation, false);
            } catch (ErrnoException e) {
              folio.unlock(task);
              status = e;
              break;
            }
          }
          hooks.fire(HookPoint.BEFORE_ATOMIC_COPY, task);
          int copied;
          if (sb.variant == PwfsType.Variant.FAULTING) {
            try {
              copied = from.copyFromIter(task, folio.data(), offset, bytes);
            } catch (RuntimeException e) {
              folio.unlock(task);
              throw e;
            }
          } else {
            copied = from.copyFolioFromIterAtomic(task, folio, offset, bytes);
          }
          int committed = endPage(task, inode, pos, bytes, copied, folio, need);
          if (committed > 0) {
            reservation -= need;
          }
          hooks.fire(HookPoint.AFTER_WRITE_END, task);
          if (copied != committed) {
            from.revert(copied - committed);
          }
          if (committed == 0) {
            if (sb.variant == PwfsType.Variant.FAULTING && copied == 0) {
              status = Errno.EFAULT.exception("source not readable");
              break;
            }
            bytes = copied > 0 ? copied : (int) Math.min(bytes, Math.max(1, from.singleSegCount()));
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
      from.reexpand(cut);
      sb.unreserve(reservation); // what the write did not use goes back to free space
    }
    if (written > 0) {
      return written;
    }
    if (status != null) {
      throw status;
    }
    return 0;
  }

  /** Locks the page; one the write does not fully cover is first filled from the store. */
  private Folio beginPage(Task task, PwfsInode inode, long pos, int len) {
    Mapping mapping = inode.mapping();
    Folio f = mapping.cache().grabFolio(task, mapping, pos >>> Folio.SHIFT);
    if (!f.isUptodate() && len != Folio.SIZE) {
      inode.readPage(f.index(), f.data());
      f.markUptodate();
    }
    return f;
  }

  /** The commit rule of write_end, the size update under the page lock, then unlock. */
  private int endPage(Task task, PwfsInode inode, long pos, int len, int copied, Folio folio,
      int need) {
    if (copied < len && !folio.isUptodate() && sb.variant != PwfsType.Variant.SHORTCOMMIT) {
      copied = 0; // the rest of the page is not valid data: commit nothing, the caller retries
    }
    if (copied > 0) {
      if (!folio.isUptodate()) {
        folio.markUptodate();
      }
      if (need > 0) {
        sb.consume(need);
        inode.pageDirtied(folio.index());
      }
      folio.markDirty();
      if (pos + copied > inode.size()) {
        inode.setSize(pos + copied);
      }
    }
    folio.unlock(task);
    return copied;
  }

  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    Task task = iocb.task();
    PwfsInode inode = (PwfsInode) mapping.host();
    long r = sb.reserve(task, 2, 2, true);
    Folio f;
    try {
      f = beginPage(task, inode, pos, len);
    } catch (RuntimeException e) {
      sb.unreserve(r);
      throw e;
    }
    int need = inode.unitsToDirty(f.index());
    sb.unreserve(r - need);
    f.setFsPrivate(need);
    return f;
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    int need = (Integer) folio.fsPrivate();
    folio.setFsPrivate(null);
    int committed = endPage(iocb.task(), (PwfsInode) mapping.host(), pos, len, copied, folio, need);
    if (committed == 0) {
      sb.unreserve(need);
    }
    return committed;
  }

  @Override
  public void readFolio(Task task, Folio folio) {
    ((PwfsInode) folio.mapping().host()).readPage(folio.index(), folio.data());
    folio.markUptodate();
  }

  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    sb.inFileOp.accept("writepages", task);
    PwfsInode inode = (PwfsInode) mapping.host();
    mapping.writeCachePages(task, wbc, (folio, w) -> {
      inode.pageWritten(folio.index(), folio.data());
      folio.unlock(task);
      folio.endWriteback();
    });
  }

  /** A clean page's bytes are in the store: reclaim may drop it. */
  @Override
  public boolean releaseFolio(Folio folio) {
    return true;
  }

  @Override
  public void invalidateFolio(Folio folio, int offset, int length) {
    PwfsInode inode = (PwfsInode) folio.mapping().host();
    if (offset == 0 && length == Folio.SIZE) {
      inode.dropPage(folio.index());
    } else {
      inode.zeroStored(folio.index(), offset, offset + length);
    }
  }

  @Override
  public void pageMkwrite(Task task, Folio folio) {
    PwfsInode inode = (PwfsInode) folio.mapping().host();
    int need = inode.unitsToDirty(folio.index());
    if (need > 0) {
      sb.consume(sb.reserve(task, need, need, false));
      inode.pageDirtied(folio.index());
    }
  }
}
