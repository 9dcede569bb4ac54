package org.vfsim.pagecache;

/**
 * The per-filesystem half of {@link Mapping#writeCachePages}: receives each dirty folio locked,
 * with dirty cleared and writeback set, and must unlock it and eventually end its writeback
 * (after the simulated I/O). Contiguous folios may be gathered into one device request and
 * submitted in {@link #finish()}, as iomap and mpage gather them into one bio.
 */
public interface FolioWriter {
  void write(Folio folio, WritebackControl wbc);

  /** Submits whatever is still gathered. */
  default void finish() {}
}
