package org.vfsim.fs;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/**
 * An inode whose directories live in memory as a {@link SimpleDirectory}, the way filesystems
 * built on the kernel's libfs get their directory operations for free. Subclasses say how a new
 * child is made; ramfs and the test filesystems use it.
 */
public abstract class SimpleInode<I extends SimpleInode<I>> extends Inode {
  private final @Nullable SimpleDirectory<I> entries;

  protected SimpleInode(SuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.entries = type == FileType.DIRECTORY ? new SimpleDirectory<>(this) : null;
  }

  /** Makes the inode of a new entry of this directory. */
  protected abstract I newChild(FileType type, int mode);

  /** Called after a regular file was created, for filesystems that track their files. */
  protected void fileCreated(I child) {}

  /** This directory's entries; ENOTDIR for a regular file. */
  protected final SimpleDirectory<I> dir() {
    if (entries == null) {
      throw Errno.ENOTDIR.exception();
    }
    return entries;
  }

  @Override
  public @Nullable Inode lookup(String name) {
    return dir().lookup(name);
  }

  private I add(String name, FileType type, int mode) {
    I child = dir().link(name, newChild(type, mode));
    if (type == FileType.REGULAR) {
      fileCreated(child);
    }
    return child;
  }

  @Override
  public Inode create(Task task, String name, int mode) {
    return add(name, FileType.REGULAR, mode);
  }

  @Override
  public Inode mkdir(Task task, String name, int mode) {
    return add(name, FileType.DIRECTORY, mode);
  }

  @Override
  public void unlink(Task task, String name) {
    dir().unlink(name);
  }

  @Override
  public void rmdir(Task task, String name) {
    dir().rmdir(name);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    dir().rename(oldName, ((SimpleInode<I>) newDir).dir(), newName);
  }

  @Override
  public List<DirEntry> readdir() {
    return dir().readdir();
  }
}
