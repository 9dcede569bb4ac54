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
import org.vfsim.fs.SimpleDirectory;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;

/** A ramfs file or directory; a directory's entries are a sorted map. */
class RamfsInode extends Inode {
  private final RamfsSuperBlock rsb;
  private final @Nullable SimpleDirectory<RamfsInode> entries;
  private long pages;

  RamfsInode(RamfsSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.rsb = sb;
    this.entries = type == FileType.DIRECTORY ? new SimpleDirectory<>(this) : null;
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

  private SimpleDirectory<RamfsInode> dir() {
    if (entries == null) {
      throw Errno.ENOTDIR.exception();
    }
    return entries;
  }

  @Override
  public @Nullable Inode lookup(String name) {
    return dir().lookup(name);
  }

  private RamfsInode add(String name, FileType type, int mode) {
    RamfsInode child = dir().link(name, new RamfsInode(rsb, rsb.nextIno(), type, mode));
    if (type == FileType.REGULAR) {
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
    dir().unlink(name);
  }

  @Override
  public void rmdir(Task task, String name) {
    dir().rmdir(name);
  }

  @Override
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    dir().rename(oldName, ((RamfsInode) newDir).dir(), newName);
  }

  @Override
  public List<DirEntry> readdir() {
    return dir().readdir();
  }

  @Override
  public void evict(Task task) {
    rsb.fileEvicted(this);
  }
}
