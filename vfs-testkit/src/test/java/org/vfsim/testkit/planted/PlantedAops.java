package org.vfsim.testkit.planted;

import org.vfsim.block.IoKind;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.fs.PerformWrite;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;
import org.vfsim.write.IovIter;

/**
 * The planted filesystem's page-cache operations: a page with no block reserves one at
 * {@code write_begin} (flag {@link #PG_RESERVED}); writeback allocates it; truncation of the
 * page releases the reservation. Pages are never reclaimed (the page cache is the only copy).
 */
class PlantedAops implements AddressSpaceOperations {
  static final int PG_RESERVED = Folio.PG_FS_PRIVATE_2;

  final PlantedSuperBlock sb;

  PlantedAops(PlantedSuperBlock sb) {
    this.sb = sb;
  }

  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    Task task = iocb.task();
    long size = mapping.host().size();
    if (pos > size) {
      sizeExtended(task, (PlantedInode) mapping.host(), size); // the write leaves a gap
    }
    Folio f = mapping.cache().grabFolio(task, mapping, pos >>> Folio.SHIFT);
    try {
      prepare(task, (PlantedInode) mapping.host(), f, len);
    } catch (RuntimeException e) {
      f.unlock(task);
      throw e;
    }
    return f;
  }

  /**
   * Reserves a block for a locked page that has none, and makes a page the write will not fully
   * cover valid around it (read from disk, or zeros for a hole).
   */
  void prepare(Task task, PlantedInode inode, Folio f, int len) {
    if (!inode.mapped(f.index()) && !f.testFsFlag(PG_RESERVED)) {
      sb.reserve(task);
      f.setFsFlag(PG_RESERVED);
    }
    if (!f.isUptodate() && len != Folio.SIZE) {
      readFolio(task, f);
    }
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    if (copied < len && !folio.isUptodate()
        && sb.bug != Bug.COMMITS_SHORT_COPY_INTO_NOT_UPTODATE_PAGE) {
      copied = 0;
    }
    if (copied > 0) {
      folio.markUptodate();
      folio.markDirty();
      long end = pos + (sb.bug == Bug.SIZE_FROM_LEN_NOT_COPIED ? len : copied);
      if (end > mapping.host().size()) {
        mapping.host().setSize(end);
      }
    } else if (sb.bug != Bug.SKIPS_CLEANUP_AFTER_FAILED_WRITE && !folio.isDirty()
        && folio.testFsFlag(PG_RESERVED)
        && !((PlantedInode) mapping.host()).mapped(folio.index())) {
      // Nothing was committed to this page: give back what write_begin reserved for it.
      folio.clearFsFlag(PG_RESERVED);
      if (sb.bug != Bug.LEAKS_RESERVATION_ON_SHORT_WRITE) {
        sb.unreserve();
      }
    }
    folio.unlock(iocb.task());
    return copied;
  }

  @Override
  public void readFolio(Task task, Folio folio) {
    Long block = ((PlantedInode) folio.mapping().host()).blockMap().get(folio.index());
    if (sb.full && block != null) {
      sb.device().read(block, folio.data(), 0, 1, IoKind.DATA);
    } else {
      folio.zero(0, Folio.SIZE);
    }
    folio.markUptodate();
  }

  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    PlantedInode inode = (PlantedInode) mapping.host();
    mapping.writeCachePages(task, wbc, (folio, w) -> {
      if (folio.clearFsFlag(PG_RESERVED)) {
        inode.map(folio.index(), sb.allocateReserved());
      }
      if (sb.full) {
        sb.device().write(inode.blockMap().get(folio.index()), folio.data(), 0, 1, IoKind.DATA,
            false);
      }
      folio.unlock(task);
      folio.endWriteback();
    });
  }

  @Override
  public boolean releaseFolio(Folio folio) {
    return sb.full && !folio.testFsFlag(PG_RESERVED); // else the cache is the only copy
  }

  @Override
  public void invalidateFolio(Folio folio, int offset, int length) {
    if (offset == 0 && length == Folio.SIZE && folio.clearFsFlag(PG_RESERVED)) {
      sb.unreserve();
    }
  }

  /**
   * {@code pagecache_isize_extended} with recent kernels' zeroing: the file grows past
   * {@code oldSize}, so bytes of the old EOF page past it (a mapping may have stored there) become
   * zeros, and its block, if it has one, is rewritten.
   */
  void sizeExtended(Task task, PlantedInode inode, long oldSize) {
    int inPage = (int) (oldSize & (Folio.SIZE - 1));
    if (inPage == 0 || sb.bug == Bug.SKIPS_EOF_ZEROING) {
      return;
    }
    long index = oldSize >>> Folio.SHIFT;
    Folio f = inode.mapped(index) && sb.full
        ? sb.machine().pageCache().readFolio(task, inode.mapping(), index)
        : inode.mapping().lookup(index);
    if (f == null) {
      return;
    }
    f.lock(task);
    try {
      if (!f.isRemoved()) {
        f.zero(inPage, Folio.SIZE);
        if (inode.mapped(index)) {
          f.markDirty();
        }
      }
    } finally {
      f.unlock(task);
    }
  }

  @Override
  public void pageMkwrite(Task task, Folio folio) {
    if (sb.bug == Bug.NO_PAGE_MKWRITE) {
      return;
    }
    if (!((PlantedInode) folio.mapping().host()).mapped(folio.index())
        && !folio.testFsFlag(PG_RESERVED)) {
      sb.reserve(task);
      folio.setFsFlag(PG_RESERVED);
    }
  }

  /** The planted miscount: a {@code perform_write} around the generic loop that overcounts. */
  static final class OvercountingPerformWrite extends PlantedAops implements PerformWrite {
    OvercountingPerformWrite(PlantedSuperBlock sb) {
      super(sb);
    }

    @Override
    public long performWrite(Kiocb iocb, IovIter from, long pos) {
      long n = org.vfsim.write.GenericPerformWrite.run(iocb, from, pos);
      return n + from.count(); // the bytes asked for, not the bytes written
    }
  }

  /**
   * The planted lock-order bug: a {@code perform_write} that skips the fault-in and copies with
   * page faults enabled while the destination folio is locked, so a fault on the source takes
   * {@code mmap_lock} (and perhaps the same folio lock) under a folio lock.
   */
  static final class FaultingPerformWrite extends PlantedAops implements PerformWrite {
    FaultingPerformWrite(PlantedSuperBlock sb) {
      super(sb);
    }

    @Override
    public long performWrite(Kiocb iocb, IovIter from, long pos) {
      Task task = iocb.task();
      Mapping mapping = iocb.inode().mapping();
      long written = 0;
      while (from.count() > 0) {
        int off = (int) (pos & (Folio.SIZE - 1));
        int bytes = (int) Math.min(Folio.SIZE - off, from.count());
        Folio folio = writeBegin(iocb, mapping, pos, bytes);
        sb.machine().hooks().fire(HookPoint.BEFORE_ATOMIC_COPY, task);
        int copied = from.copyFromIter(task, folio.data(), off, bytes);
        int committed = writeEnd(iocb, mapping, pos, bytes, copied, folio);
        sb.machine().hooks().fire(HookPoint.AFTER_WRITE_END, task);
        from.revert(copied - committed);
        if (committed == 0) {
          break;
        }
        pos += committed;
        written += committed;
      }
      if (written == 0 && from.count() > 0) {
        throw Errno.EFAULT.exception("planted: nothing copied");
      }
      return written;
    }
  }

  /**
   * The planted livelock: {@code generic_perform_write} without its fault-in. A source page that
   * is not present makes every atomic copy come up empty, nothing is committed, and the loop
   * retries forever; only a fatal signal ends it (as in the kernel, it checks for one).
   */
  static final class NoFaultInPerformWrite extends PlantedAops implements PerformWrite {
    NoFaultInPerformWrite(PlantedSuperBlock sb) {
      super(sb);
    }

    @Override
    public long performWrite(Kiocb iocb, IovIter from, long pos) {
      Task task = iocb.task();
      Mapping mapping = iocb.inode().mapping();
      long written = 0;
      while (from.count() > 0) {
        if (task.fatalSignalPending()) {
          break;
        }
        int off = (int) (pos & (Folio.SIZE - 1));
        int bytes = (int) Math.min(Folio.SIZE - off, from.count());
        Folio folio = writeBegin(iocb, mapping, pos, bytes);
        int copied = from.copyFolioFromIterAtomic(task, folio, off, bytes);
        int committed = writeEnd(iocb, mapping, pos, bytes, copied, folio);
        from.revert(copied - committed);
        pos += committed;
        written += committed;
      }
      if (written == 0 && from.count() > 0) {
        throw Errno.EINTR.exception("planted: fatal signal");
      }
      return written;
    }
  }
}
