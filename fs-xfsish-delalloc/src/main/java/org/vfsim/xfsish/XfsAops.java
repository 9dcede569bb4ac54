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
    XfsIcache.blockgcScan(sb, task, true, self);
  }

  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    return writeBegin(iocb, mapping, pos, len, len);
  }

  /**
   * One page of the generic path, mapped the way iomap maps the whole write: the first page of
   * a chunk maps (and reserves) up to {@link Bmap#MAX_WRITE_MAPPING_BYTES} of what remains of
   * the write, the following pages of the chunk reuse that mapping, and the unused part is
   * released once, when the chunk is done ({@code iomap_end}). So both paths write the same
   * bytes and fail with ENOSPC at the same point.
   */
  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len, long count) {
    Task task = iocb.task();
    ip.zeroEof(task, pos);
    WriteChunk c = ip.writeChunk;
    if (c == null || c.iocb != iocb || pos < c.start() || pos + len > c.end()) {
      finishChunk(task, ip);
      c = new WriteChunk(iocb, pos + count, pos);
      ip.writeChunk = c;
      // With blocks smaller than a page, one page may need more than one mapping.
      while (c.end() < pos + len) {
        long at = c.end();
        try {
          c.maps.add(map(task, at, pos + count - at));
        } catch (RuntimeException e) {
          finishChunk(task, ip);
          throw e;
        }
      }
    }
    Folio f;
    try {
      f = mapping.cache().grabFolio(task, mapping, pos >>> Folio.SHIFT);
    } catch (RuntimeException e) {
      finishChunk(task, ip);
      throw e;
    }
    try {
      ip.prepareFolio(task, f, len);
    } catch (RuntimeException e) {
      f.unlock(task);
      finishChunk(task, ip);
      throw e;
    }
    return f;
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    int committed = ip.commit(iocb.task(), folio, pos, len, copied);
    WriteChunk c = ip.writeChunk;
    if (c != null) {
      if (committed > 0) {
        c.doneEnd = Math.max(c.doneEnd, pos + committed);
      }
      // The chunk ends with its mapping, with the write, or at a short copy (the retry maps
      // afresh, as iomap_iter does after a short write).
      if (committed < len || c.doneEnd >= c.end() || c.doneEnd >= c.writeEnd) {
        finishChunk(iocb.task(), ip);
      }
    }
    return committed;
  }

  @Override
  public void writeDone(Kiocb iocb) {
    finishChunk(iocb.task(), ip);
  }

  /** {@code iomap_end} of the generic path's open chunk, if any: release what it did not use. */
  static void finishChunk(Task task, XfsInode ip) {
    WriteChunk c = ip.writeChunk;
    if (c == null) {
      return;
    }
    ip.writeChunk = null;
    XfsSuperBlock sb = (XfsSuperBlock) ip.superBlock();
    for (Iomap m : c.maps) {
      sb.bmap.writeEnd(task, ip, m, Math.clamp(c.doneEnd - m.offset(), 0, m.length()));
    }
  }

  private Iomap map(Task task, long pos, long count) {
    try {
      return sb.bmap.writeBegin(task, ip, pos, count, false);
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ENOSPC) {
        throw e;
      }
      clearSpace(task, sb, ip);
      return sb.bmap.writeBegin(task, ip, pos, count, false);
    }
  }

  /**
   * The generic path's current mapping: the write ({@code iocb}) it belongs to, the mapping,
   * where the write ends and how far it got. Guarded by the inode's {@code i_rwsem}.
   */
  static final class WriteChunk {
    final Kiocb iocb;
    final java.util.List<Iomap> maps = new java.util.ArrayList<>();
    final long writeEnd;
    private final long start;
    long doneEnd;

    WriteChunk(Kiocb iocb, long writeEnd, long start) {
      this.iocb = iocb;
      this.writeEnd = writeEnd;
      this.start = start;
      this.doneEnd = start;
    }

    long start() {
      return start;
    }

    long end() {
      return maps.isEmpty() ? start : maps.get(maps.size() - 1).end();
    }
  }

  @Override
  public void readFolio(Task task, Folio folio) {
    ip.fillFolio(folio);
  }

  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    mapping.writeCachePages(task, wbc, new XfsWriteback(task, ip, sb));
  }

  /**
   * {@code xfs_filemap_page_mkwrite}: reserve delalloc (never preallocation) under the page,
   * up to EOF.
   */
  @Override
  public void pageMkwrite(Task task, Folio folio) {
    long end = folio.pos() + Math.max(1, Math.min(Folio.SIZE, ip.size() - folio.pos()));
    // One mapping per extent: with blocks smaller than a page, map until the page is covered.
    for (long pos = folio.pos(); pos < end; ) {
      pos = sb.bmap.writeBegin(task, ip, pos, end - pos, true).end();
    }
  }
}
