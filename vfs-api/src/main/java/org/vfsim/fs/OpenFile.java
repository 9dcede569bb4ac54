package org.vfsim.fs;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Fcntl;

/**
 * An open file description ({@code struct file}): the inode, the access mode and status flags
 * from {@code open}, the file position, and a reference count shared by duplicated descriptors
 * and by mappings of the file. The last reference calls the filesystem's {@code release}.
 */
public final class OpenFile {
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
    int acc = flags & Fcntl.O_ACCMODE;
    return acc == Fcntl.O_RDONLY || acc == Fcntl.O_RDWR;
  }

  public boolean writable() {
    int acc = flags & Fcntl.O_ACCMODE;
    return acc == Fcntl.O_WRONLY || acc == Fcntl.O_RDWR;
  }

  public boolean append() {
    return (flags & Fcntl.O_APPEND) != 0;
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
