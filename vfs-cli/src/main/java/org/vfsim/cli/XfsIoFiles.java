package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * xfs_io's open file table ({@code filetable}, xfsprogs {@code io/open.c}) and its "current
 * file", the one a per-file command acts on.
 */
final class XfsIoFiles {
  /** One open file of the table ({@code fileio_t}). */
  record FileEntry(String name, int fd, int flags, boolean pathOnly) {}

  /** xfs_io stats the path before opening it; a failure other than ENOENT is reported so. */
  static final class StatFailed extends RuntimeException {
    final ErrnoException cause;

    StatFailed(ErrnoException cause) {
      super(null, null, false, false);
      this.cause = cause;
    }
  }

  private final XfsIoShell sh;
  private final List<FileEntry> files = new ArrayList<>();
  private int current = -1;

  XfsIoFiles(XfsIoShell sh) {
    this.sh = sh;
  }

  /** The current file. */
  FileEntry file() {
    return files.get(current);
  }

  /** The current file's descriptor for I/O; EBADF for an {@code open -P} (O_PATH) entry. */
  int fd() {
    FileEntry f = file();
    if (f.pathOnly()) {
      throw Errno.EBADF.exception("O_PATH descriptor");
    }
    return f.fd();
  }

  boolean hasCurrent() {
    return current >= 0;
  }

  int count() {
    return files.size();
  }

  /** Makes entry {@code index} the current file. */
  void select(int index) {
    current = index;
  }

  /**
   * Opens {@code name} and makes it the current file, as xfs_io's openfile(): stat first (a
   * failure other than ENOENT is a {@link StatFailed}), then open(2).
   */
  void open(String name, int flags, int mode, boolean pathOnly) {
    Syscalls sys = sh.sys();
    String path = SimulatedSystem.pathOf(name);
    try {
      sys.stat(path);
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ENOENT) {
        throw new StatFailed(e);
      }
    }
    int f = pathOnly ? Fcntl.O_RDONLY : flags;
    int fd;
    try {
      fd = sys.open(path, f, mode);
    } catch (ErrnoException e) {
      // As xfs_io's openfile(): a directory asked for read-write is opened read-only instead.
      if (e.errno() != Errno.EISDIR || (f & Fcntl.O_ACCMODE) != Fcntl.O_RDWR) {
        throw e;
      }
      fd = sys.open(path, f & ~(Fcntl.O_ACCMODE | Fcntl.O_TRUNC), mode);
    }
    files.add(new FileEntry(name, fd, flags, pathOnly));
    current = files.size() - 1;
  }

  /** Closes the current file; the one that moves into its slot, or the new last, is current. */
  void closeCurrent() {
    FileEntry f = files.remove(current);
    try {
      sh.sys().close(f.fd());
    } catch (ErrnoException e) {
      sh.perror("close", e);
    } finally {
      sh.charge();
    }
    current = Math.min(current, files.size() - 1);
  }

  /** At exit: closes every file, as process exit does. */
  void closeAll() {
    for (FileEntry f : List.copyOf(files)) {
      sh.sys().close(f.fd());
    }
    files.clear();
    current = -1;
  }

  /**
   * After a power cut, in the new process: reopens the files of the table (without O_CREAT or
   * O_TRUNC), keeping the current one current; a file that is gone is reported and dropped.
   */
  void reopenAll() {
    Syscalls sys = sh.sys();
    List<FileEntry> before = List.copyOf(files);
    files.clear();
    int wasCurrent = current;
    current = -1;
    for (int i = 0; i < before.size(); i++) {
      FileEntry f = before.get(i);
      try {
        int flags = f.flags() & ~(Fcntl.O_CREAT | Fcntl.O_TRUNC);
        int fd = sys.open(SimulatedSystem.pathOf(f.name()),
            f.pathOnly() ? Fcntl.O_RDONLY : flags, 0600);
        files.add(new FileEntry(f.name(), fd, f.flags(), f.pathOnly()));
        if (i == wasCurrent) {
          current = files.size() - 1;
        }
      } catch (ErrnoException e) {
        sh.err.println(f.name() + ": " + e.errno().message() + " (after the power cut)");
        sh.fail();
      }
    }
    if (current < 0 && !files.isEmpty()) {
      current = 0;
    }
  }

  /** The open flags as xfs_io's file listing and {@code stat} name them. */
  static String flagWords(int flags) {
    boolean sync = (flags & Fcntl.O_SYNC) == Fcntl.O_SYNC;
    return (sync ? "sync" : "non-sync") + ",non-direct,"
        + ((flags & Fcntl.O_ACCMODE) == Fcntl.O_RDONLY ? "read-only" : "read-write")
        + ((flags & Fcntl.O_APPEND) != 0 ? ",append-only" : "");
  }

  /** The table as {@code file} and {@code close} print it, the current file bracketed. */
  void list() {
    for (int i = 0; i < files.size(); i++) {
      FileEntry f = files.get(i);
      sh.out.printf("%c%03d%c %-14s (foreign,%s)%n", i == current ? '[' : ' ', i,
          i == current ? ']' : ' ', f.name(), flagWords(f.flags()));
    }
  }
}
