package org.vfsim.ext2ish;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Kiocb;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.FolioWriter;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.PageCache;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * ext2's address-space operations on the buffer-head helpers: {@code block_write_begin} maps
 * every block the write touches with create (allocating it now), zeroes the parts of new blocks
 * the write will not cover and reads mapped blocks it only partly covers; {@code
 * block_write_end} commits per block; {@code ext2_write_failed} frees what a short or failed
 * write allocated past EOF; writeback gathers physically contiguous blocks into one request.
 */
final class Ext2ishAops implements AddressSpaceOperations {
  private final Ext2ishSuperBlock fs;
  private final int bs;
  private final int perPage;

  Ext2ishAops(Ext2ishSuperBlock fs) {
    this.fs = fs;
    this.bs = fs.geo.blockSize;
    this.perPage = Folio.SIZE / bs;
  }

  private BlockDevice dev() {
    return fs.dev();
  }

  private void readBlock(long phys, byte[] dst, int off) {
    fs.data.read(phys, dst, off);
  }

  @Override
  public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
    Task task = iocb.task();
    Ext2ishInode inode = (Ext2ishInode) mapping.host();
    long index = pos >>> Folio.SHIFT;
    long size = inode.size();
    if (pos > size && (size >>> Folio.SHIFT) != index) {
      sizeExtended(task, inode, size); // the write leaves a gap after the old EOF page
    }
    Folio folio = mapping.cache().grabFolio(task, mapping, index);
    int from = (int) (pos & (Folio.SIZE - 1));
    int to = from + len;
    PageBuffers bufs = PageBuffers.of(folio, bs);
    try {
      prepareBlocks(task, inode, folio, bufs, from, to);
      if (pos > size && (size >>> Folio.SHIFT) == index) {
        zeroGapAfterEof(inode, folio, bufs, size, from);
      }
    } catch (RuntimeException e) {
      zeroNewBuffers(folio, bufs, from, to);
      folio.unlock(task);
      writeFailed(task, inode, pos + len);
      throw e;
    }
    return folio;
  }

  /** {@code __block_write_begin_int}. */
  private void prepareBlocks(Task task, Ext2ishInode inode, Folio folio, PageBuffers bufs,
      int from, int to) {
    boolean uptodate = folio.isUptodate();
    for (int b = 0; b < perPage; b++) {
      int blockStart = b * bs;
      int blockEnd = blockStart + bs;
      if (blockEnd <= from || blockStart >= to) {
        if (uptodate) {
          bufs.uptodate[b] = true;
        }
        continue;
      }
      bufs.fresh[b] = false;
      long lblock = folio.index() * perPage + b;
      long[] r;
      synchronized (fs.lock) {
        r = fs.map.getBlockCreate(task, inode.rec, inode.info, lblock, inode.reservation());
      }
      if (r[1] == 1) {
        if (uptodate) {
          bufs.uptodate[b] = true;
          bufs.dirty[b] = true;
          continue;
        }
        // A new block: zero what the copy will not overwrite, so no stale bytes leak.
        if (blockEnd > to) {
          folio.zero(Math.max(to, blockStart), blockEnd);
        }
        if (blockStart < from) {
          folio.zero(blockStart, Math.min(from, blockEnd));
        }
        bufs.fresh[b] = true;
        continue;
      }
      if (uptodate) {
        bufs.uptodate[b] = true;
        continue;
      }
      if (!bufs.uptodate[b] && (blockStart < from || blockEnd > to)) {
        readBlock(r[0], folio.data(), blockStart);
        zeroPastEof(folio, b, inode.size());
        bufs.uptodate[b] = true;
      }
    }
  }

  /**
   * Zeroes the part of block {@code b} of the folio at or past {@code size} just read from disk.
   * ext2 zeroes it at writeback, but after a power cut the image may hold a size whose EOF block
   * was last written when the file was longer; zeroing here keeps those bytes from ever being
   * read or exposed by a later extension.
   */
  private void zeroPastEof(Folio folio, int b, long size) {
    long blockPos = folio.pos() + (long) b * bs;
    if (size < blockPos + bs) {
      folio.zero(b * bs + (int) Math.max(0, size - blockPos), (b + 1) * bs);
    }
  }

  /**
   * A write into the old EOF page past EOF: the bytes between EOF and the write become zeros,
   * and the old EOF block, if mapped, is dirtied so its disk copy (which may hold stale bytes
   * past EOF after a power cut) is rewritten even if the write does not cover it.
   */
  private void zeroGapAfterEof(Ext2ishInode inode, Folio folio, PageBuffers bufs, long size,
      int from) {
    int eof = (int) (size & (Folio.SIZE - 1));
    folio.zero(eof, from);
    if (size % bs == 0) {
      return;
    }
    long phys;
    synchronized (fs.lock) {
      phys = fs.map.lookup(inode.rec, size / bs);
    }
    int b = eof / bs;
    if (phys != 0) {
      if (!bufs.uptodate[b]) {
        readBlock(phys, folio.data(), b * bs);
      }
      folio.zero(eof, (b + 1) * bs);
      bufs.uptodate[b] = true;
      bufs.dirty[b] = true;
      folio.markDirty();
    }
  }

  /**
   * {@code pagecache_isize_extended} (with the zeroing of recent kernels): i_size grows past
   * {@code oldSize}; bytes of the old EOF page past it (mmap may have stored there) become
   * zeros, and the old EOF block, if mapped, is zeroed and dirtied so the disk copy is too.
   */
  void sizeExtended(Task task, Ext2ishInode inode, long oldSize) {
    int inPage = (int) (oldSize & (Folio.SIZE - 1));
    if (inPage == 0) {
      return;
    }
    long phys = 0;
    if (oldSize % bs != 0) {
      synchronized (fs.lock) {
        phys = fs.map.lookup(inode.rec, oldSize / bs);
      }
    }
    Mapping mapping = inode.mapping();
    long index = oldSize >>> Folio.SHIFT;
    Folio folio = phys != 0 ? fs.machine().pageCache().readFolio(task, mapping, index)
        : mapping.lookup(index);
    if (folio == null) {
      return;
    }
    folio.lock(task);
    try {
      if (folio.isRemoved()) {
        return;
      }
      folio.zero(inPage, Folio.SIZE);
      if (phys != 0) {
        PageBuffers.of(folio, bs).dirty[inPage / bs] = true;
        folio.markDirty();
      }
    } finally {
      folio.unlock(task);
    }
  }

  /**
   * {@code folio_zero_new_buffers}: the parts of new blocks in {@code [from, to)} that hold no
   * copied data become zeros, valid and dirty.
   */
  private void zeroNewBuffers(Folio folio, PageBuffers bufs, int from, int to) {
    boolean any = false;
    for (int b = 0; b < perPage; b++) {
      if (!bufs.fresh[b]) {
        continue;
      }
      int blockStart = b * bs;
      int blockEnd = blockStart + bs;
      if (blockEnd > from && blockStart < to) {
        if (!folio.isUptodate()) {
          folio.zero(Math.max(from, blockStart), Math.min(to, blockEnd));
          bufs.uptodate[b] = true;
        }
        bufs.fresh[b] = false;
        bufs.dirty[b] = true;
        any = true;
      }
    }
    if (any) {
      folio.markDirty();
    }
  }

  @Override
  public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
    Task task = iocb.task();
    Ext2ishInode inode = (Ext2ishInode) mapping.host();
    int start = (int) (pos & (Folio.SIZE - 1));
    PageBuffers bufs = PageBuffers.of(folio, bs);
    if (copied < len) {
      // block_write_end: a short copy into a page that is not uptodate commits nothing.
      if (!folio.isUptodate()) {
        copied = 0;
      }
      zeroNewBuffers(folio, bufs, start + copied, start + len);
    }
    commitWrite(folio, bufs, start, start + copied);
    if (pos + copied > inode.size()) {
      inode.setSize(pos + copied); // under the folio lock, before writeback can see the page
    }
    folio.unlock(task);
    if (copied < len) {
      writeFailed(task, inode, pos + len);
    }
    return copied;
  }

  /** {@code __block_commit_write}: written blocks become uptodate and dirty. */
  private void commitWrite(Folio folio, PageBuffers bufs, int from, int to) {
    boolean partial = false;
    for (int b = 0; b < perPage; b++) {
      int blockStart = b * bs;
      int blockEnd = blockStart + bs;
      if (blockEnd <= from || blockStart >= to) {
        if (!bufs.uptodate[b]) {
          partial = true;
        }
      } else {
        bufs.uptodate[b] = true;
        bufs.dirty[b] = true;
      }
      bufs.fresh[b] = false;
    }
    if (to > from) {
      folio.markDirty();
    }
    if (!partial && !folio.isUptodate()) {
      folio.markUptodate();
    }
  }

  /**
   * {@code ext2_write_failed}: a write that ended short of {@code to} past EOF leaves no page
   * cache and no blocks past the new EOF (and drops the reservation window, as truncate does).
   */
  void writeFailed(Task task, Ext2ishInode inode, long to) {
    long size = inode.size();
    if (to > size) {
      fs.machine().pageCache().truncatePagecache(task, inode.mapping(), size);
      synchronized (fs.lock) {
        fs.counters.writeFailedTruncates++;
      }
      inode.truncateBlocks(size);
    }
  }

  /** {@code block_truncate_page}: zeroes the rest of the block that holds the new EOF. */
  void zeroBlockTail(Task task, Ext2ishInode inode, long newSize) {
    long lblock = newSize / bs;
    long phys;
    synchronized (fs.lock) {
      phys = fs.map.lookup(inode.rec, lblock);
    }
    if (phys == 0) {
      return; // a hole reads as zeros already
    }
    PageCache cache = fs.machine().pageCache();
    Mapping mapping = inode.mapping();
    Folio folio = cache.readFolio(task, mapping, newSize >>> Folio.SHIFT);
    folio.lock(task);
    try {
      if (folio.isRemoved()) {
        return;
      }
      int off = (int) (newSize & (Folio.SIZE - 1));
      int blockEnd = (off / bs + 1) * bs;
      folio.zero(off, blockEnd);
      PageBuffers bufs = PageBuffers.of(folio, bs);
      bufs.dirty[off / bs] = true;
      folio.markDirty();
    } finally {
      folio.unlock(task);
    }
  }

  /** {@code block_read_full_folio}: mapped blocks from disk, holes and blocks past EOF as zeros. */
  @Override
  public void readFolio(Task task, Folio folio) {
    Ext2ishInode inode = (Ext2ishInode) folio.mapping().host();
    PageBuffers bufs = PageBuffers.of(folio, bs);
    long size = inode.size();
    for (int b = 0; b < perPage; b++) {
      if (bufs.uptodate[b]) {
        continue;
      }
      long lblock = folio.index() * perPage + b;
      long phys = 0;
      if (lblock * bs < size) {
        synchronized (fs.lock) {
          phys = fs.map.lookup(inode.rec, lblock);
        }
      }
      if (phys == 0) {
        folio.zero(b * bs, (b + 1) * bs);
      } else {
        readBlock(phys, folio.data(), b * bs);
        zeroPastEof(folio, b, size);
      }
      bufs.uptodate[b] = true;
    }
    folio.markUptodate();
  }

  /**
   * {@code mpage_writepages}/{@code block_write_full_folio}: each dirty block inside EOF goes to
   * its block (one still unmapped, dirtied through mmap, is allocated now); physically
   * contiguous blocks form one request. The part of a page past EOF is zeroed first. Then the
   * inode's dirty indirect blocks and inode table block follow, as metadata.
   */
  @Override
  public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
    Ext2ishInode inode = (Ext2ishInode) mapping.host();
    Bio bio = new Bio(mapping);
    mapping.writeCachePages(task, wbc, new FolioWriter() {
      @Override
      public void write(Folio folio, WritebackControl w) {
        try {
          writeFolio(task, inode, folio, bio);
        } finally {
          folio.unlock(task);
          bio.pending.add(folio);
        }
      }

      @Override
      public void finish() {
        bio.submit();
        for (Folio f : bio.pending) {
          f.endWriteback();
        }
        bio.pending.clear();
      }
    });
    inode.syncRecord(); // ext2_write_inode copies i_size and the times as they are now
    fs.writeInodeMetadata(inode.rec);
  }

  private void writeFolio(Task task, Ext2ishInode inode, Folio folio, Bio bio) {
    int inside = inode.bytesInPage(folio.index());
    if (inside < Folio.SIZE) {
      folio.zero(inside, Folio.SIZE);
    }
    Object priv = folio.fsPrivate();
    PageBuffers bufs = priv instanceof PageBuffers p ? p : null;
    for (int b = 0; b < perPage && b * bs < inside; b++) {
      if (bufs != null && !bufs.dirty[b]) {
        continue;
      }
      long lblock = folio.index() * perPage + b;
      long phys;
      try {
        synchronized (fs.lock) {
          phys = fs.map.getBlockCreate(task, inode.rec, inode.info, lblock,
              inode.reservation())[0];
        }
      } catch (ErrnoException e) {
        folio.setError();
        folio.mapping().setWritebackError(e.errno());
        continue;
      }
      if (bufs != null) {
        bufs.dirty[b] = false;
      }
      bio.add(phys, folio.data(), b * bs);
    }
  }

  /** A request being gathered: physically contiguous blocks. */
  private final class Bio {
    final Mapping mapping;
    final List<Folio> pending = new ArrayList<>();
    final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long start = -1;
    int n;

    Bio(Mapping mapping) {
      this.mapping = mapping;
    }

    void add(long phys, byte[] src, int off) {
      if (n > 0 && phys != start + n) {
        submit();
      }
      if (n == 0) {
        start = phys;
      }
      buf.write(src, off, bs);
      n++;
    }

    void submit() {
      if (n == 0) {
        return;
      }
      try {
        fs.data.write(start, buf.toByteArray(), 0, n);
        synchronized (fs.lock) {
          fs.counters.dataWrites++;
          fs.counters.dataBlocksWritten += n;
        }
      } catch (ErrnoException e) {
        mapping.setWritebackError(Errno.EIO);
      }
      buf.reset();
      n = 0;
      start = -1;
    }
  }

  @Override
  public void invalidateFolio(Folio folio, int offset, int length) {
    if (offset == 0 && length == Folio.SIZE) {
      folio.setFsPrivate(null);
      return;
    }
    if (!(folio.fsPrivate() instanceof PageBuffers bufs)) {
      return;
    }
    for (int b = 0; b < perPage; b++) {
      if (b * bs >= offset && (b + 1) * bs <= offset + length) {
        bufs.dirty[b] = false;
        bufs.fresh[b] = false;
        if (!folio.isUptodate()) {
          bufs.uptodate[b] = false;
        }
      }
    }
  }

  /** {@code try_to_free_buffers}: a page with dirty buffers stays. */
  @Override
  public boolean releaseFolio(Folio folio) {
    if (folio.fsPrivate() instanceof PageBuffers bufs && bufs.anyDirty()) {
      return false;
    }
    folio.setFsPrivate(null);
    return true;
  }

  /** {@code block_page_mkwrite}: every block of the page inside EOF is mapped now (ENOSPC = SIGBUS). */
  @Override
  public void pageMkwrite(Task task, Folio folio) {
    Ext2ishInode inode = (Ext2ishInode) folio.mapping().host();
    int inside = inode.bytesInPage(folio.index());
    PageBuffers bufs = PageBuffers.of(folio, bs);
    for (int b = 0; b < perPage && b * bs < inside; b++) {
      long lblock = folio.index() * perPage + b;
      synchronized (fs.lock) {
        fs.map.getBlockCreate(task, inode.rec, inode.info, lblock, inode.reservation());
      }
      bufs.uptodate[b] = true;
      bufs.dirty[b] = true;
    }
  }
}
