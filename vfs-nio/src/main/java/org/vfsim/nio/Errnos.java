package org.vfsim.nio;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.jspecify.annotations.Nullable;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * The errno-to-exception rules of the JDK on Linux ({@code UnixException}): path operations
 * get a {@link FileSystemException} subclass naming the file(s), whose reason is the
 * {@code strerror} text; channel I/O gets a plain {@link IOException} with that text.
 */
final class Errnos {
  private Errnos() {}

  /** A failed path operation on {@code file} (and {@code other}, for a move or copy). */
  static IOException forPath(ErrnoException e, String file, @Nullable String other) {
    Errno errno = e.errno();
    return switch (errno) {
      case EACCES -> new AccessDeniedException(file, other, null);
      case ENOENT -> new NoSuchFileException(file, other, null);
      case EEXIST -> new FileAlreadyExistsException(file, other, null);
      // The JDK maps ENOTEMPTY itself where it deletes or renames onto a directory.
      case ENOTEMPTY -> new DirectoryNotEmptyException(other == null ? file : other);
      default -> new FileSystemException(file, other, errno.message());
    };
  }

  /** As {@link #forPath}, but ENOTDIR means the path to list is no directory. */
  static IOException forDirectory(ErrnoException e, String dir) {
    if (e.errno() == Errno.ENOTDIR) {
      return new NotDirectoryException(dir);
    }
    return forPath(e, dir, null);
  }

  /** A failed read, write, sync or truncate of an open channel: {@code IOUtil}'s plain text. */
  static IOException forChannel(ErrnoException e) {
    return forChannel(e.errno());
  }

  static IOException forChannel(Errno errno) {
    return new IOException(errno.message());
  }
}
