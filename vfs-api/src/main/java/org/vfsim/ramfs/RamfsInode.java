package org.vfsim.ramfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;

/** A ramfs file or directory; a directory's entries are a sorted map. */
class RamfsInode extends Inode {
  private final RamfsSuperBlock rsb;
  private final Map<String, RamfsInode> entries;
  private long pages;

  RamfsInode(RamfsSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.rsb = sb;
    this.entries = type == FileType.DIRECTORY ? new TreeMap<>() : Map.of();
  }

  @Override
  protected AddressSpaceOperations aops() {
    return new RamfsAops(rsb);
  }

  @Override
  public long blocks512() {
    return mapping().nrPages() * (Folio.SIZE / 512);
  }

  long countChargedPages() {
    Mapping m = mapping();
    long n = 0;
    for (long i = m.nextCached(0); i >= 0; i = m.nextCached(i + 1)) {
      Folio f = m.lookup(i);
      if (f != null && f.testFsFlag(RamfsAops.PG_CHARGED)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized @Nullable Inode lookup(String name) {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    return entries.get(name);
  }

  private RamfsInode add(String name, FileType type, int mode) {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    RamfsInode child = new RamfsInode(rsb, rsb.nextIno(), type, mode);
    synchronized (this) {
      entries.put(name, child);
    }
    if (type == FileType.DIRECTORY) {
      setNlink(nlink() + 1);
    } else {
      rsb.fileCreated(child);
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
    RamfsInode child;
    synchronized (this) {
      child = entries.remove(name);
    }
    if (child == null) {
      throw Errno.ENOENT.exception(name);
    }
    child.setNlink(child.nlink() - 1);
  }

  @Override
  public void rmdir(Task task, String name) {
    synchronized (this) {
      if (entries.remove(name) == null) {
        throw Errno.ENOENT.exception(name);
      }
    }
    setNlink(nlink() - 1);
  }

  @Override
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    RamfsInode child;
    synchronized (this) {
      child = entries.remove(oldName);
    }
    if (child == null) {
      throw Errno.ENOENT.exception(oldName);
    }
    RamfsInode target = (RamfsInode) newDir;
    synchronized (target) {
      target.entries.put(newName, child);
    }
    if (child.isDirectory() && target != this) {
      setNlink(nlink() - 1);
      target.setNlink(target.nlink() + 1);
    }
  }

  @Override
  public synchronized List<DirEntry> readdir() {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    List<DirEntry> out = new ArrayList<>();
    entries.forEach((n, i) -> out.add(new DirEntry(n, i.ino(), i.type())));
    return out;
  }

  @Override
  public void evict(Task task) {
    rsb.fileEvicted(this);
  }
}
