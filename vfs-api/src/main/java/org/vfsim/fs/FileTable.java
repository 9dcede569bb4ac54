package org.vfsim.fs;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/** A process's file-descriptor table: the lowest free number is handed out, as POSIX requires. */
public final class FileTable {
  /** {@code RLIMIT_NOFILE}'s usual soft limit. */
  public static final int MAX_FDS = 1024;
  private final List<OpenFile> fds = new ArrayList<>();

  public synchronized int install(OpenFile file) {
    for (int i = 0; i < fds.size(); i++) {
      if (fds.get(i) == null) {
        fds.set(i, file);
        return i;
      }
    }
    if (fds.size() >= MAX_FDS) {
      throw Errno.EMFILE.exception();
    }
    fds.add(file);
    return fds.size() - 1;
  }

  /** The file behind {@code fd}, or EBADF. */
  public synchronized OpenFile get(int fd) {
    if (fd < 0 || fd >= fds.size() || fds.get(fd) == null) {
      throw Errno.EBADF.exception("fd " + fd);
    }
    return fds.get(fd);
  }

  /**
   * {@code fdget}: the file behind {@code fd} with a reference taken under the table lock, so
   * that a {@code close} by another thread cannot free it while the caller uses it; the caller
   * drops it with {@link OpenFile#put} when its system call is done ({@code fdput}).
   */
  public synchronized OpenFile getRef(int fd) {
    return get(fd).get();
  }

  /** Removes {@code fd} and drops its reference. */
  public void close(Task task, int fd) {
    OpenFile f;
    synchronized (this) {
      f = get(fd);
      fds.set(fd, null);
    }
    f.put(task);
  }

  /** Closes every descriptor (process exit). */
  public void closeAll(Task task) {
    List<OpenFile> open;
    synchronized (this) {
      open = new ArrayList<>(fds);
      fds.clear();
    }
    for (OpenFile f : open) {
      if (f != null) {
        f.put(task);
      }
    }
  }

  public synchronized List<Integer> openDescriptors() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < fds.size(); i++) {
      if (fds.get(i) != null) {
        out.add(i);
      }
    }
    return out;
  }
}
