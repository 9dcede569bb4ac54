package org.vfsim.fs;

import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;

/**
 * A filesystem's operations on its page cache ({@code struct address_space_operations}). The
 * generic write path drives {@link #writeBegin} and {@link #writeEnd} one page at a time; a
 * filesystem that wants to do its expensive work once per write also implements
 * {@link PerformWrite}, which the VFS then calls instead.
 */
public interface AddressSpaceOperations {
  /**
   * {@code write_begin}: prepares {@code len} bytes at {@code pos} (within one page) for a copy
   * and returns the page locked. May allocate (ext2) or reserve space; throws {@code ENOSPC} and
   * the like, after which {@link #writeEnd} is not called. A page that the write does not fully
   * cover and that is not uptodate must be made valid around the written range (read from disk,
   * or zeroed for a new block) or left not uptodate so that a short copy commits nothing.
   */
  Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len);

  /**
   * {@link #writeBegin(Kiocb, Mapping, long, int)} told how many bytes of the write remain from
   * {@code pos} ({@code count >= len}), so that a filesystem emulating iomap on the generic path
   * can map or reserve a whole chunk of the write at once, as its own {@code perform_write}
   * does. The generic write path calls this one; by default it ignores {@code count}.
   */
  default Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len, long count) {
    return writeBegin(iocb, mapping, pos, len);
  }

  /**
   * The generic write path is done with {@code iocb} (finished, short, or failed): a filesystem
   * that mapped ahead in {@link #writeBegin(Kiocb, Mapping, long, int, long)} releases what the
   * write did not use, as {@code iomap_end} would. By default nothing.
   */
  default void writeDone(Kiocb iocb) {}

  /**
   * {@code write_end}: commits what was copied and unlocks the page. Returns the bytes committed:
   * all of {@code copied}, or 0 when {@code copied < len} and the page is not uptodate (the rest
   * of the page holds no valid data). Updates {@code i_size} while the page is locked, and
   * releases whatever {@code write_begin} reserved for bytes not committed past the new EOF.
   */
  int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio);

  /** {@code read_folio}: fills a locked folio from disk (or zeros) and marks it uptodate; leaves it locked. */
  void readFolio(Task task, Folio folio);

  /** {@code writepages}: writes back dirty pages as {@code wbc} asks. */
  void writepages(Task task, Mapping mapping, WritebackControl wbc);

  /** {@code invalidate_folio}: bytes {@code [offset, offset+length)} of a locked folio are being truncated. */
  default void invalidateFolio(Folio folio, int offset, int length) {}

  /** {@code release_folio}: may reclaim drop this clean folio? Frees private state if so. */
  default boolean releaseFolio(Folio folio) {
    return true;
  }

  /**
   * {@code page_mkwrite}: a shared mapping of the file is about to be written through at this
   * locked, uptodate folio; reserve or allocate what writeback will need, or throw ENOSPC.
   */
  default void pageMkwrite(Task task, Folio folio) {}
}
