package org.vfsim.fs;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.syscall.Errno;

/**
 * A directory kept as a sorted map of names to inodes, with the link-count rules of the kernel's
 * libfs ({@code simple_link}, {@code simple_unlink}, {@code simple_rmdir}, {@code
 * simple_rename}): a subdirectory's ".." is a link to its parent. For filesystems whose
 * directories live only in memory (ramfs, test filesystems).
 */
public final class SimpleDirectory<I extends Inode> {
  private final Inode dir;
  private final TreeMap<String, I> entries = new TreeMap<>();

  public SimpleDirectory(Inode dir) {
    checkArgument(dir.isDirectory(), "%s is not a directory", dir);
    this.dir = dir;
  }

  public synchronized @Nullable I lookup(String name) {
    return entries.get(name);
  }

  /** Adds {@code child} as {@code name}; a new subdirectory's ".." adds a link to this one. */
  public I link(String name, I child) {
    put(name, child);
    if (child.isDirectory()) {
      dir.setNlink(dir.nlink() + 1);
    }
    return child;
  }

  /** Adds an entry without touching link counts (rebuilding a directory at mount). */
  public synchronized void put(String name, I child) {
    entries.put(name, child);
  }

  /** Removes a non-directory entry and drops the child's link count. */
  public I unlink(String name) {
    I child;
    synchronized (this) {
      child = entries.remove(name);
    }
    if (child == null) {
      throw Errno.ENOENT.exception(name);
    }
    child.setNlink(child.nlink() - 1);
    return child;
  }

  /** Removes an (empty, checked by the VFS) subdirectory; its ".." link to this one goes. */
  public I rmdir(String name) {
    I child;
    synchronized (this) {
      child = entries.remove(name);
    }
    if (child == null) {
      throw Errno.ENOENT.exception(name);
    }
    dir.setNlink(dir.nlink() - 1);
    return child;
  }

  /** Moves {@code oldName} to {@code target}/{@code newName} (the VFS removed any victim). */
  public void rename(String oldName, SimpleDirectory<I> target, String newName) {
    I child;
    synchronized (this) {
      child = entries.remove(oldName);
    }
    if (child == null) {
      throw Errno.ENOENT.exception(oldName);
    }
    target.put(newName, child);
    if (child.isDirectory() && target != this) {
      dir.setNlink(dir.nlink() - 1);
      target.dir.setNlink(target.dir.nlink() + 1);
    }
  }

  public synchronized List<DirEntry> readdir() {
    List<DirEntry> out = new ArrayList<>(entries.size());
    entries.forEach((n, i) -> out.add(new DirEntry(n, i.ino(), i.type())));
    return out;
  }

  public synchronized int size() {
    return entries.size();
  }
}
