package org.vfsim.ramfs;

import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Inode;
import org.vfsim.fs.Kiocb;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;

/**
 * ramfs's page-cache operations ({@code simple_write_begin}/{@code simple_write_end}). A page
 * not yet in the cache is a hole, so a partial write may zero the page and call it uptodate; a
 * write of a whole page leaves it not uptodate until the copy completes, which is exactly the
 * case where a short copy must commit nothing.
 */
class RamfsAops implements AddressSpaceOperations {
  /** Set on a folio whose page is charged to the size limit. */
  static final int PG_CHARGED = Folio.PG_FS_PRIVATE_1;

  final RamfsSuperBlock sb;

  RamfsAops(RamfsSuperBlock sb) {
    this.sb = sb;
  }

  /** Looks up or creates the page, charging a new one to the size limit (ENOSPC past it). */
  Folio grab(Task task, Mapping mapping, long index) {
    if (mapping.lookup(index) == null) {
      sb.chargePage();
      Folio f;
      try {
        f = mapping.cache().grabFolio(task, mapping, index);
      } catch (RuntimeException e) {
        sb.unchargePage();
        throw e;
      }
      if (!f.setFsFlag(PG_CHARGED)) {
        return f;
      }
      sb.unchargePage(); // raced: someone else created and charged it
      return f;
    }
    Folio f = mapping.cache().grabFolio(task, mapping, index);
    if (!f.testFsFlag(PG_CHARGED)) {
      try {
        sb.chargePage();
      } catch (RuntimeException e) {
        f.unlock(task);
        throw e;
      }
      f.setFsFlag(PG_CHARGED);
    }
    return f;
  }

  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    Folio f = grab(iocb.task(), mapping, pos >>> Folio.SHIFT);
    if (!f.isUptodate() && len != Folio.SIZE) {
      f.zero(0, Folio.SIZE);
      f.markUptodate();
    }
    return f;
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    if (copied < len && !folio.isUptodate() && folio.clearFsFlag(PG_CHARGED)) {
      // Nothing will be committed and the page holds no valid data: give back what write_begin
      // charged, so a failed write leaks no space (write_begin charges again on a retry).
      sb.unchargePage();
    }
    return commit(iocb.task(), mapping.host(), pos, len, copied, folio);
  }

  /** {@code block_write_end}'s rule and {@code i_size} update, then unlock. */
  static int commit(Task task, Inode inode, long pos, int len, int copied, Folio folio) {
    if (copied < len && !folio.isUptodate()) {
      copied = 0; // the rest of the page is not valid data: commit nothing, caller retries
    }
    if (copied > 0) {
      if (!folio.isUptodate()) {
        folio.markUptodate(); // a complete copy of a whole page
      }
      folio.markDirty();
      if (pos + copied > inode.size()) {
        inode.setSize(pos + copied); // under the folio lock, before writeback can see the page
      }
    }
    folio.unlock(task);
    return copied;
  }

  @Override
  public void readFolio(Task task, Folio folio) {
    folio.zero(0, Folio.SIZE);
    folio.markUptodate();
  }

  /** ramfs has no backing store: "writeback" only cleans pages, which stay cached. */
  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    mapping.writeCachePages(task, wbc, (folio, w) -> {
      folio.unlock(task);
      folio.endWriteback();
    });
  }

  /** ramfs pages are the only copy of the data: reclaim may never drop them. */
  @Override
  public boolean releaseFolio(Folio folio) {
    return false;
  }

  @Override
  public void invalidateFolio(Folio folio, int offset, int length) {
    if (offset == 0 && length == Folio.SIZE && folio.clearFsFlag(PG_CHARGED)) {
      sb.unchargePage();
    }
  }
}
