package org.vfsim.xfsish;

import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * xfsish's page-cache operations. {@code write_begin}/{@code write_end} map one page at a time
 * with the same iomap begin/end as the multi-page path; the VFS uses them only when the mount
 * asks for {@code write_path=generic} (the per-page baseline that the differential tests compare
 * with), since XFS itself always writes through iomap.
 */
class XfsAops implements AddressSpaceOperations {
  final XfsInode ip;
  final XfsSuperBlock sb;

  XfsAops(XfsInode ip) {
    this.ip = ip;
    this.sb = (XfsSuperBlock) ip.superBlock();
  }

  /** {@code xfs_file_buffered_write}'s ENOSPC handling: flush, trim post-EOF blocks, retry once. */
  static void clearSpace(Task task, XfsSuperBlock sb, XfsInode self) {
    sb.count(Counter.ENOSPC_RETRIES, 1);
    sb.machine().pageCache().syncAll(task); // xfs_flush_inodes
    sb.blockgcScan(task, true, self);
  }

  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    Task task = iocb.task();
    ip.zeroEof(task, pos);
    Iomap m;
    try {
      m = sb.bmap.writeBegin(task, ip, pos, len, false);
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ENOSPC) {
        throw e;
      }
      clearSpace(task, sb, ip);
      m = sb.bmap.writeBegin(task, ip, pos, len, false);
    }
    Folio f;
    try {
      f = mapping.cache().grabFolio(task, mapping, pos >>> Folio.SHIFT);
    } catch (RuntimeException e) {
      sb.bmap.writeEnd(task, ip, m, 0);
      throw e;
    }
    try {
      ip.prepareFolio(task, f, len);
    } catch (RuntimeException e) {
      f.unlock(task);
      sb.bmap.writeEnd(task, ip, m, 0);
      throw e;
    }
    f.setFsPrivate(m);
    return f;
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    Iomap m = (Iomap) folio.fsPrivate();
    folio.setFsPrivate(null);
    int committed = ip.commit(iocb.task(), folio, pos, len, copied);
    if (m != null) {
      sb.bmap.writeEnd(iocb.task(), ip, m, committed);
    }
    return committed;
  }

  @Override
  public void readFolio(Task task, Folio folio) {
    ip.fillFolio(folio);
  }

  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    mapping.writeCachePages(task, wbc, new XfsWriteback(task, ip, sb));
  }

  /** {@code xfs_filemap_page_mkwrite}: reserve delalloc (never preallocation) under the page. */
  @Override
  public void pageMkwrite(Task task, Folio folio) {
    long left = ip.size() - folio.pos();
    sb.bmap.writeBegin(task, ip, folio.pos(), Math.max(1, Math.min(Folio.SIZE, left)), true);
  }
}
