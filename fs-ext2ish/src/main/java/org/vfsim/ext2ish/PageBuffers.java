package org.vfsim.ext2ish;

import java.util.Arrays;
import org.vfsim.pagecache.Folio;

/**
 * The buffer heads of one page: with blocks smaller than a page, which of the page's blocks
 * hold valid data (uptodate), which must be written back (dirty) and which write_begin just
 * allocated (new). Hung on {@link Folio#fsPrivate()}, created on first use.
 */
final class PageBuffers {
  final boolean[] uptodate;
  final boolean[] dirty;
  final boolean[] fresh;

  private PageBuffers(int n) {
    uptodate = new boolean[n];
    dirty = new boolean[n];
    fresh = new boolean[n];
  }

  /** {@code folio_create_empty_buffers}: an uptodate page has uptodate buffers. */
  static PageBuffers of(Folio folio, int blockSize) {
    Object p = folio.fsPrivate();
    if (p instanceof PageBuffers b) {
      return b;
    }
    PageBuffers b = new PageBuffers(Folio.SIZE / blockSize);
    if (folio.isUptodate()) {
      Arrays.fill(b.uptodate, true);
    }
    folio.setFsPrivate(b);
    return b;
  }

  boolean anyDirty() {
    for (boolean d : dirty) {
      if (d) {
        return true;
      }
    }
    return false;
  }

  boolean allUptodate() {
    for (boolean u : uptodate) {
      if (!u) {
        return false;
      }
    }
    return true;
  }
}
