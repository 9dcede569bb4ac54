package org.vfsim.btrfsish;

import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.write.IovIter;

/**
 * The 2010 btrfs write path, deliberately broken: the source is not faulted in before the
 * chunk's pages are locked, and the copy runs with page faults enabled under those locks, so a
 * source that is an mmap of a locked page faults (mmap_lock, then the page lock) inside it.
 */
final class Legacy2010Copy implements BufferedWrite.CopyStep {
  @Override
  public boolean faultInBeforeLocking() {
    return false;
  }

  @Override
  public int copy(Task task, IovIter from, Folio folio, int offset, int bytes) {
    return from.copyFromIter(task, folio.data(), offset, bytes);
  }
}
