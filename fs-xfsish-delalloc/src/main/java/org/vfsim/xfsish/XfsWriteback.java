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
  private final int bs;
  private final int maxBlocks;
  /** Folios whose blocks are all in submitted or pending ioends. */
  private final List<Folio> folios = new ArrayList<>();
  private final byte[] buf;
  private int blocks;
  private long physStart = -1;
  private long fileStart = -1;
  private boolean failed;

  XfsWriteback(Task task, XfsInode ip, XfsSuperBlock sb) {
    this.task = task;
    this.ip = ip;
    this.sb = sb;
    this.bs = sb.bs;
    this.maxBlocks = MAX_IOEND_PAGES * (Folio.SIZE / bs);
    this.buf = new byte[MAX_IOEND_PAGES * Folio.SIZE];
  }

  /**
   * Maps and queues each block of the folio that lies before EOF. With blocks smaller than a
   * page, a hole block (no write reserved it: it reads as zeros) is skipped, as iomap writes
   * only the blocks its per-block dirty state marks; with page-sized blocks a dirty page
   * always has its block mapped, allocating if nobody reserved it.
   */
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
    long first = folio.pos() / bs;
    int perPage = Folio.SIZE / bs;
    for (int k = 0; k < perPage && (first + k) * bs < size; k++) {
      long fsb = first + k;
      if (perPage > 1 && sb.bmap.lookup(ip, fsb) == null) {
        continue;
      }
      Irec r;
      try {
        r = sb.bmap.mapForWriteback(task, ip, fsb);
      } catch (ErrnoException e) {
        // xfs_discard_folio: the data cannot be placed; drop its reservation, report the error.
        sb.bmap.removeRange(ip, first, first + perPage, ExtentMap.State.DELAY);
        sb.count(Counter.WRITEBACK_ERRORS, 1);
        folio.setError();
        ip.mapping().setWritebackError(e.errno());
        break;
      }
      long phys = r.physical(fsb);
      if (blocks > 0 && (phys != physStart + blocks || fsb != fileStart + blocks
          || blocks >= maxBlocks)) {
        submit();
      }
      if (blocks == 0) {
        physStart = phys;
        fileStart = fsb;
      }
      System.arraycopy(folio.data(), k * bs, buf, blocks * bs, bs);
      blocks++;
    }
    folio.unlock(task);
    folios.add(folio);
  }

  @Override
  public void finish() {
    submit();
    endFolios();
  }

  private void submit() {
    if (blocks > 0) {
      sb.count(Counter.DATA_BIOS, 1);
      try {
        sb.dev.write(physStart, buf, 0, blocks, IoKind.DATA, false);
        sb.bmap.ioCompleted(ip, fileStart, blocks);
      } catch (ErrnoException e) {
        sb.count(Counter.WRITEBACK_ERRORS, 1);
        ip.mapping().setWritebackError(e.errno());
        failed = true;
      }
      blocks = 0;
    }
    endFolios();
  }

  /** Ends writeback of the folios queued so far: all their blocks were submitted. */
  private void endFolios() {
    for (Folio f : folios) {
      if (failed) {
        f.setError();
      }
      f.endWriteback();
    }
    folios.clear();
    failed = false;
  }
}
