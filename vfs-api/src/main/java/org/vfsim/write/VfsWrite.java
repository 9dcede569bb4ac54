package org.vfsim.write;

import org.vfsim.fs.Inode;
import org.vfsim.fs.InodeUse;
import org.vfsim.fs.Kiocb;
import org.vfsim.fs.OpenFile;
import org.vfsim.fs.PerformWrite;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;

/**
 * The VFS write entry ({@code vfs_write} through {@code generic_file_write_iter}): permission and
 * size checks, {@code O_APPEND}, the inode lock, then the filesystem's {@code perform_write} when
 * it provides one and {@link GenericPerformWrite} otherwise, then {@code O_SYNC} handling.
 */
public final class VfsWrite {
  /** {@code MAX_RW_COUNT}: one call transfers at most this many bytes. */
  public static final long MAX_RW_COUNT = Integer.MAX_VALUE & ~4095L;

  private VfsWrite() {}

  /**
   * Writes {@code from} to {@code file}: at {@code pos} for {@code pwrite} ({@code positional}),
   * or at the file position, which then advances. Returns the bytes written.
   */
  public static long write(Task task, OpenFile file, IovIter from, long pos, boolean positional) {
    try (InodeUse use = file.inode().use(task, "vfs_write")) {
      return doWrite(task, file, from, pos, positional);
    }
  }

  private static long doWrite(Task task, OpenFile file, IovIter from, long pos,
      boolean positional) {
    if (!file.writable()) {
      throw Errno.EBADF.exception("file not open for writing");
    }
    Inode inode = file.inode();
    if (inode.isDirectory()) {
      throw Errno.EISDIR.exception();
    }
    if (positional && pos < 0) {
      throw Errno.EINVAL.exception("negative offset");
    }
    from.truncate(MAX_RW_COUNT);
    long syncStart;
    long syncLen;
    int syncFlags;
    inode.rwsem().lock(task);
    try {
      long at = positional ? pos : file.pos();
      if (file.append()) {
        at = inode.size(); // O_APPEND: Linux appends even for pwrite
      }
      long count = from.count();
      if (count == 0) {
        return 0;
      }
      if (at + count < 0) {
        throw Errno.EINVAL.exception("offset + count overflows");
      }
      // generic_write_checks_count: s_maxbytes caps the write; at or past it, EFBIG.
      long max = inode.superBlock().maxBytes();
      if (at >= max) {
        throw Errno.EFBIG.exception("offset " + at + " at or past s_maxbytes " + max);
      }
      long cut = from.truncate(max - at);
      int flags = (file.append() ? Kiocb.IOCB_APPEND : 0)
          | ((file.flags() & Fcntl.O_DSYNC) != 0 ? Kiocb.IOCB_DSYNC : 0)
          | ((file.flags() & Fcntl.O_SYNC) == Fcntl.O_SYNC ? Kiocb.IOCB_SYNC : 0);
      Kiocb iocb = new Kiocb(task, file, flags);
      inode.touchTimes(true);
      long written;
      try {
        written = inode.mapping().aops() instanceof PerformWrite pw
            ? pw.performWrite(iocb, from, at)
            : GenericPerformWrite.run(iocb, from, at);
      } finally {
        from.reexpand(cut);
      }
      if (!positional) {
        file.setPos(at + written);
      }
      syncStart = at;
      syncLen = written;
      syncFlags = iocb.flags();
    } finally {
      inode.rwsem().unlock(task);
    }
    // generic_write_sync, after the inode lock is dropped as in the kernel.
    if (syncLen > 0 && (syncFlags & (Kiocb.IOCB_DSYNC | Kiocb.IOCB_SYNC)) != 0) {
      inode.superBlock().machine().pageCache().writeAndWait(task, inode.mapping(), syncStart,
          syncStart + syncLen - 1);
      inode.fsync(task, syncStart, syncStart + syncLen - 1, (syncFlags & Kiocb.IOCB_SYNC) == 0);
    }
    return syncLen;
  }
}
