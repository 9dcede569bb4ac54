package org.vfsim.fs;

import org.vfsim.kernel.Task;

/**
 * One I/O request in flight ({@code struct kiocb}): who writes, through which open file, and
 * with which per-call flags ({@code O_APPEND}, {@code O_DSYNC}/{@code O_SYNC} semantics).
 */
public record Kiocb(Task task, OpenFile file, int flags) {
  public static final int IOCB_APPEND = 1 << 1;
  public static final int IOCB_DSYNC = 1 << 4;
  public static final int IOCB_SYNC = 1 << 5;

  public Inode inode() {
    return file.inode();
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
