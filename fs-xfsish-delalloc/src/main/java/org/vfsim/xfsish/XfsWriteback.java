package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.block.IoKind;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.FolioWriter;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.xfsish.ExtentMap.Irec;

/**
 * {@code iomap_writepages} with {@code xfs_map_blocks}: each dirty page is mapped (converting
 * the whole delayed extent around it), folios contiguous in the file and on disk are gathered
 * into one device write (an ioend), and at completion the unwritten blocks written become
 * written and the on-disk size advances.
 */
final class XfsWriteback implements FolioWriter {
  /** Largest ioend, in pages. */
  static final int MAX_IOEND_PAGES = 1024;

  private final Task task;
  private final XfsInode ip;
  private final XfsSuperBlock sb;
  private final List<Folio> folios = new ArrayList<>();
  private final List<byte[]> data = new ArrayList<>();
  private long physStart = -1;
  private long fileStart = -1;

  XfsWriteback(Task task, XfsInode ip, XfsSuperBlock sb) {
    this.task = task;
    this.ip = ip;
    this.sb = sb;
  }

  @Override
  public void write(Folio folio, WritebackControl wbc) {
    long size = ip.size();
    if (folio.pos() >= size) {
      folio.unlock(task); // truncated past: nothing to write
      folio.endWriteback();
      return;
    }
    if (folio.pos() + Folio.SIZE > size) {
      folio.zero((int) (size - folio.pos()), Folio.SIZE); // iomap_writepage_handle_eof
    }
    Irec r;
    try {
      r = sb.bmap.mapForWriteback(task, ip, folio.index());
    } catch (ErrnoException e) {
      // xfs_discard_folio: the data cannot be placed; drop its reservation, report the error.
      sb.bmap.removeRange(ip, folio.index(), folio.index() + 1, ExtentMap.State.DELAY);
      sb.count(Counter.WRITEBACK_ERRORS, 1);
      folio.setError();
      ip.mapping().setWritebackError(e.errno());
      folio.unlock(task);
      folio.endWriteback();
      return;
    }
    long phys = r.physical(folio.index());
    if (!folios.isEmpty() && (phys != physStart + folios.size()
        || folio.index() != fileStart + folios.size() || folios.size() >= MAX_IOEND_PAGES)) {
      submit();
    }
    if (folios.isEmpty()) {
      physStart = phys;
      fileStart = folio.index();
    }
    folios.add(folio);
    data.add(folio.data().clone());
    folio.unlock(task);
  }

  @Override
  public void finish() {
    submit();
  }

  private void submit() {
    if (folios.isEmpty()) {
      return;
    }
    int n = folios.size();
    byte[] buf = new byte[n * Folio.SIZE];
    for (int k = 0; k < n; k++) {
      System.arraycopy(data.get(k), 0, buf, k * Folio.SIZE, Folio.SIZE);
    }
    sb.count(Counter.DATA_BIOS, 1);
    try {
      sb.dev.write(physStart, buf, 0, n, IoKind.DATA, false);
      sb.bmap.ioCompleted(ip, fileStart, n);
    } catch (ErrnoException e) {
      sb.count(Counter.WRITEBACK_ERRORS, 1);
      ip.mapping().setWritebackError(e.errno());
      folios.forEach(Folio::setError);
    }
    for (Folio f : folios) {
      f.endWriteback();
    }
    folios.clear();
    data.clear();
  }
}
