package org.vfsim.mm;

import org.jspecify.annotations.Nullable;
import org.vfsim.pagecache.Folio;

/**
 * A present page-table entry: the page's bytes (an anonymous page, or a page-cache folio's data
 * for a file mapping), whether loads and stores may go through without a fault. An entry of a
 * {@code PROT_NONE} range stays present but inaccessible (x86's protnone entry): mprotect keeps
 * the page and only changes what the entry allows.
 */
final class Pte {
  final byte[] data;
  final @Nullable Folio folio;
  volatile boolean writable;
  volatile boolean accessible = true;

  Pte(byte[] data, @Nullable Folio folio, boolean writable) {
    this.data = data;
    this.folio = folio;
    this.writable = writable;
  }
}
