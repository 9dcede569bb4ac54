package org.vfsim.fs;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;

/**
 * An open file description ({@code struct file}): the inode, the access mode and status flags
 * from {@code open}, the file position, and a reference count shared by duplicated descriptors
 * and by mappings of the file. The last reference calls the filesystem's {@code release}.
 */
public final class OpenFile {
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_RDWR = 02;
  public static final int O_ACCMODE = 03;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_DSYNC = 010000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_SYNC = 04010000;

  private final Vfs vfs;
  private final Inode inode;
  private final String path;
  private volatile int flags;
  private long pos;
  private final AtomicInteger refs = new AtomicInteger(1);
  private @Nullable Object fsPrivate;

  OpenFile(Vfs vfs, Inode inode, String path, int flags) {
    this.vfs = vfs;
    this.inode = inode;
    this.path = path;
    this.flags = flags;
  }

  public Inode inode() {
    return inode;
  }

  /** The path the file was opened by. */
  public String path() {
    return path;
  }

  public int flags() {
    return flags;
  }

  public boolean readable() {
    int acc = flags & O_ACCMODE;
    return acc == O_RDONLY || acc == O_RDWR;
  }

  public boolean writable() {
    int acc = flags & O_ACCMODE;
    return acc == O_WRONLY || acc == O_RDWR;
  }

  public boolean append() {
    return (flags & O_APPEND) != 0;
  }

  public synchronized long pos() {
    return pos;
  }

  public synchronized void setPos(long newPos) {
    this.pos = newPos;
  }

  public @Nullable Object fsPrivate() {
    return fsPrivate;
  }

  public void setFsPrivate(@Nullable Object state) {
    this.fsPrivate = state;
  }

  /** Takes a reference ({@code get_file}). */
  public OpenFile get() {
    refs.incrementAndGet();
    return this;
  }

  /**
   * Drops a reference ({@code fput}). The last one releases the file; inside a system call that
   * release ({@code ->release}, maybe eviction) is task work run on the way back to user space,
   * as Linux's {@code fput} defers {@code __fput}, so it never runs under the caller's locks.
   */
  public void put(Task task) {
    int left = refs.decrementAndGet();
    if (left == 0) {
      task.addTaskWork(() -> vfs.release(task, this));
    } else if (left < 0) {
      throw new IllegalStateException("file reference count below zero: " + path);
    }
  }

  public int refCount() {
    return refs.get();
  }

  @Override
  public String toString() {
    return "file(" + path + ")";
  }
}
