package org.vfsim.fuse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.OpenFile;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/**
 * The open files of the mount: FUSE's {@code fh} of an open or opendir is a number here, mapped
 * to the simulated {@link OpenFile}. A power cut kills every simulated process; the handles the
 * host still holds are then reopened by path (as {@code vfsim io}'s {@code powercut} reopens its
 * files) or, where the file no longer exists, become stale and fail with EIO, as the files of a
 * shut-down filesystem do.
 */
final class Handles {
  private final Map<Long, Entry> open = new HashMap<>();
  private long next = 1;

  /** One handle: the simulated file (null once stale) and how it was opened. */
  private static final class Entry {
    @Nullable OpenFile file;
    final int flags;

    Entry(OpenFile file, int flags) {
      this.file = file;
      this.flags = flags;
    }
  }

  long add(OpenFile file, int flags) {
    long fh = next++;
    open.put(fh, new Entry(file, flags));
    return fh;
  }

  OpenFile get(long fh) {
    Entry e = open.get(fh);
    if (e == null) {
      throw Errno.EBADF.exception("no open file " + fh);
    }
    if (e.file == null) {
      throw Errno.EIO.exception("file lost in a power cut");
    }
    return e.file;
  }

  /** Forgets {@code fh} and drops its reference ({@code fput}) unless the power cut did. */
  void release(Task task, long fh) {
    Entry e = open.remove(fh);
    if (e != null && e.file != null) {
      e.file.put(task);
    }
  }

  int size() {
    return open.size();
  }

  /** What a handle was opened as, for {@link #reopenAll}: path and flags. */
  record Reopen(String path, int flags) {}

  /** Called after a power cut: reopens each handle with {@code opener}, or marks it stale. */
  void reopenAll(java.util.function.Function<Reopen, @Nullable OpenFile> opener) {
    List<Map.Entry<Long, Entry>> all = new ArrayList<>(open.entrySet());
    for (Map.Entry<Long, Entry> me : all) {
      Entry e = me.getValue();
      if (e.file == null) {
        continue;
      }
      String path = e.file.path();
      e.file = opener.apply(new Reopen(path, e.flags));
    }
  }

  /** Drops every handle (the mount is going away): each file is released. */
  void releaseAll(Task task) {
    for (long fh : new ArrayList<>(open.keySet())) {
      release(task, fh);
    }
  }
}
