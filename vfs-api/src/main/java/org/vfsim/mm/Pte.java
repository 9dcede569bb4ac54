package org.vfsim.mm;

import org.jspecify.annotations.Nullable;
import org.vfsim.pagecache.Folio;

/**
 * A present page-table entry: the page's bytes (an anonymous page, or a page-cache folio's data
 * for a file mapping) and whether stores may go through without a fault.
 */
final class Pte {
  final byte[] data;
  final @Nullable Folio folio;
  volatile boolean writable;

  Pte(byte[] data, @Nullable Folio folio, boolean writable) {
    this.data = data;
    this.folio = folio;
    this.writable = writable;
  }
}
