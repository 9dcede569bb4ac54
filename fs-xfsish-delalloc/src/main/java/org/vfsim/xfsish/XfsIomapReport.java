package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.xfsish.ExtentMap.Irec;
import org.vfsim.xfsish.ExtentMap.State;

/**
 * What {@code xfs_iomap.c}'s report ops give {@code iomap_fiemap} and {@code iomap_seek_*}: a
 * file's extents for FIEMAP and SEEK_DATA/SEEK_HOLE, reading the data fork under the
 * superblock's monitor and the page cache outside it.
 */
final class XfsIomapReport {
  private XfsIomapReport() {}

  /**
   * {@code xfs_vn_fiemap}: written, unwritten and delayed extents in {@code [start,
   * start+len)}, adjacent ones of the same kind merged where they continue each other, LAST on
   * the last. Delayed extents have no physical address (DELALLOC | UNKNOWN, physical 0).
   */
  static List<FiemapExtent> fiemap(XfsInode ip, long start, long len) {
    XfsSuperBlock xsb = ip.sb();
    int bs = xsb.bs;
    long s = start / bs;
    long e = len >= Long.MAX_VALUE - start ? Long.MAX_VALUE / bs : (start + len + bs - 1) / bs;
    List<Irec> recs;
    synchronized (xsb) {
      recs = ip.extents().overlapping(s, e);
    }
    List<FiemapExtent> out = new ArrayList<>();
    for (Irec r : recs) {
      long a = Math.max(r.off(), s);
      long b = Math.min(r.end(), e);
      int flags = switch (r.state()) {
        case NORM -> 0;
        case UNWRITTEN -> FiemapExtent.UNWRITTEN;
        case DELAY -> FiemapExtent.DELALLOC | FiemapExtent.UNKNOWN;
      };
      long phys = r.isDelay() ? 0 : r.physical(a) * bs;
      FiemapExtent x = new FiemapExtent(a * bs, phys, (b - a) * bs, flags);
      if (!out.isEmpty()) {
        FiemapExtent p = out.get(out.size() - 1);
        if (p.flags() == flags && p.logicalEnd() == x.logical()
            && (r.isDelay() || p.physical() + p.length() == x.physical())) {
          out.set(out.size() - 1, new FiemapExtent(p.logical(), p.physical(),
              p.length() + x.length(), flags));
          continue;
        }
      }
      out.add(x);
    }
    if (!out.isEmpty()) {
      FiemapExtent l = out.get(out.size() - 1);
      out.set(out.size() - 1, l.withFlags(l.flags() | FiemapExtent.LAST));
    }
    return out;
  }

  /** Whether the page at {@code idx} holds data a read would return (iomap_seek's page check). */
  private static boolean pageHasData(XfsInode ip, long idx) {
    Folio f = ip.mapping().lookup(idx);
    return f != null && !f.isRemoved() && (f.isDirty() || f.isUptodate());
  }

  /**
   * Within unwritten or delayed extent {@code r}, from {@code p} up to EOF: the offset of the
   * first page that holds data ({@code wantData}) or reads as a hole (not {@code wantData}), or
   * -1 if there is none.
   */
  private static long firstPageOffset(XfsInode ip, long p, Irec r, long size,
      boolean wantData) {
    int bs = ip.sb().bs;
    for (long b = p / bs; b < r.end() && b * bs < size; b++) {
      // The page cache is indexed by page, the extent by block: the block's page decides.
      if (pageHasData(ip, b * bs >>> Folio.SHIFT) == wantData) {
        return Math.max(p, b * bs);
      }
    }
    return -1;
  }

  /**
   * {@code iomap_seek_data}: written extents are data; unwritten and delayed extents are data
   * only where a cached page is dirty or uptodate; holes are not.
   */
  static long seekData(XfsInode ip, long offset) {
    XfsSuperBlock xsb = ip.sb();
    long size = ip.size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    int bs = xsb.bs;
    long p = offset;
    while (p < size) {
      Irec r;
      synchronized (xsb) {
        r = ip.extents().next(p / bs);
      }
      if (r == null) {
        break;
      }
      p = Math.max(p, r.off() * bs);
      if (p >= size) {
        break;
      }
      if (r.state() == State.NORM) {
        return p;
      }
      long found = firstPageOffset(ip, p, r, size, true);
      if (found >= 0) {
        return found;
      }
      p = r.end() * bs;
    }
    throw Errno.ENXIO.exception();
  }

  /** {@code iomap_seek_hole}: the first offset that reads as a hole; EOF counts as one. */
  static long seekHole(XfsInode ip, long offset) {
    XfsSuperBlock xsb = ip.sb();
    long size = ip.size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    int bs = xsb.bs;
    long p = offset;
    while (p < size) {
      Irec r;
      synchronized (xsb) {
        r = ip.extents().lookup(p / bs);
      }
      if (r == null) {
        return p;
      }
      if (r.state() != State.NORM) {
        long found = firstPageOffset(ip, p, r, size, false);
        if (found >= 0) {
          return found;
        }
      }
      p = r.end() * bs;
    }
    return size;
  }
}
