package org.vfsim.fs;

import org.vfsim.write.IovIter;

/**
 * The multi-page write operation of the 2010 "{@code ->perform_write}" RFC: a filesystem that
 * implements it prepares the whole range once (reserves space, maps extents), copies one page at
 * a time under the rules of the generic path (fault in before locking, atomic copy, commit
 * nothing of a short copy into a page that is not uptodate), then releases what the write did
 * not use. Its user-visible results must equal the generic path's for the same call.
 */
public interface PerformWrite {
  /**
   * Writes from {@code from} at {@code pos} with the inode lock held. Returns the bytes written
   * (advancing {@code from} by as much), or throws when nothing was written.
   */
  long performWrite(Kiocb iocb, IovIter from, long pos);
}
