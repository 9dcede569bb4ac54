package org.vfsim.btrfsish;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.fs.PerformWrite;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.FolioWriter;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.write.IovIter;

/**
 * btrfsish's page-cache operations: the buffered write ({@link BufferedWrite}), reads that
 * verify checksums, COW writeback of contiguous dirty runs and the reservation a write fault
 * through a shared mapping needs.
 */
final class BtrfsAops implements AddressSpaceOperations, PerformWrite {
  private final BtrfsFs fs;

  BtrfsAops(BtrfsFs fs) {
    this.fs = fs;
  }

  @Override
  public long performWrite(Kiocb iocb, IovIter from, long pos) {
    if (fs.genericWriteForTest) {
      return org.vfsim.write.GenericPerformWrite.run(iocb, from, pos);
    }
    return BufferedWrite.run(fs, iocb, from, pos);
  }

  /** The one-page {@code write_begin} for callers of the generic loop: reserve, lock, make valid. */
  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    Task task = iocb.task();
    BtrfsInode inode = (BtrfsInode) mapping.host();
    if (pos > inode.size()) {
      inode.contExpand(task, inode.size());
    }
    fs.reserveDelalloc(task, fs.sectorSize, 1);
    Folio f = mapping.cache().grabFolio(task, mapping, pos >>> Folio.SHIFT);
    try {
      BufferedWrite.prepareUptodate(fs, inode, task, f, pos, len, false);
    } catch (RuntimeException e) {
      f.unlock(task);
      fs.releaseReservation(fs.sectorSize, 1);
      throw e;
    }
    return f;
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    BtrfsInode inode = (BtrfsInode) mapping.host();
    if (copied < len && !folio.isUptodate()) {
      copied = 0;
    }
    if (copied > 0) {
      folio.markUptodate();
      fs.markDelalloc(inode, folio.index(), 1, true);
      folio.markDirty();
      if (pos + copied > inode.size()) {
        inode.setSize(pos + copied);
      }
    } else {
      fs.releaseReservation(fs.sectorSize, 1);
    }
    folio.unlock(iocb.task());
    return copied;
  }

  @Override
  public void readFolio(Task task, Folio folio) {
    fs.readPage(task, (BtrfsInode) folio.mapping().host(), folio);
  }

  /**
   * {@code extent_writepages}: gathers contiguous dirty pages into runs (as btrfs finds a whole
   * delalloc range), writing each run copy-on-write, or in place where nocow applies.
   */
  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    BtrfsInode inode = (BtrfsInode) mapping.host();
    mapping.writeCachePages(task, wbc, new FolioWriter() {
      final List<Folio> run = new ArrayList<>();
      boolean runCow;

      @Override
      public void write(Folio folio, WritebackControl w) {
        long size = inode.size();
        if (folio.pos() >= size) {
          // Past EOF (truncated under us): nothing to write, the reservation goes.
          fs.clearDelalloc(inode, folio.index(), true);
          folio.unlock(task);
          folio.endWriteback();
          return;
        }
        if (size - folio.pos() < Folio.SIZE) {
          folio.zero((int) (size - folio.pos()), Folio.SIZE); // the tail past EOF is written as zeros
        }
        boolean cow = fs.nocowLength(inode, folio.pos(), fs.sectorSize) < fs.sectorSize;
        if (!run.isEmpty() && (run.get(run.size() - 1).index() + 1 != folio.index()
            || cow != runCow || (long) run.size() * fs.sectorSize >= BtrfsFs.MAX_EXTENT)) {
          submit();
        }
        run.add(folio);
        runCow = cow;
      }

      @Override
      public void finish() {
        submit();
      }

      private void submit() {
        if (run.isEmpty()) {
          return;
        }
        try {
          if (runCow) {
            fs.writeCow(task, inode, run);
          } else {
            for (Folio f : run) {
              fs.writeNocow(task, inode, f);
            }
          }
        } finally {
          for (Folio f : run) {
            f.unlock(task);
          }
          for (Folio f : run) {
            f.endWriteback();
          }
          run.clear();
        }
      }
    });
  }

  /** {@code btrfs_invalidate_folio}: a whole page truncated away drops its delalloc and reservation. */
  @Override
  public void invalidateFolio(Folio folio, int offset, int length) {
    if (offset == 0 && length == Folio.SIZE) {
      fs.clearDelalloc((BtrfsInode) folio.mapping().host(), folio.index(), true);
    }
  }

  /** {@code btrfs_page_mkwrite}: a store through a shared mapping needs delalloc space too. */
  @Override
  public void pageMkwrite(Task task, Folio folio) {
    BtrfsInode inode = (BtrfsInode) folio.mapping().host();
    if (fs.isDelalloc(inode, folio.index())) {
      return;
    }
    boolean nocow = inode.nodatacow()
        && fs.nocowLength(inode, folio.pos(), fs.sectorSize) == fs.sectorSize;
    if (!fs.tryReserve(nocow ? 0 : fs.sectorSize, 1)) {
      throw org.vfsim.syscall.Errno.ENOSPC.exception("btrfsish: page_mkwrite");
    }
    fs.markDelalloc(inode, folio.index(), 1, !nocow);
  }
}
