package org.vfsim.testkit.planted;

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
import org.vfsim.syscall.Errno;

/** A planted-filesystem file (page index to block) or directory (sorted entries). */
final class PlantedInode extends Inode {
  private final PlantedSuperBlock psb;
  private final Map<String, PlantedInode> entries = new TreeMap<>();
  private final TreeMap<Long, Long> blocks = new TreeMap<>();

  PlantedInode(PlantedSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.psb = sb;
  }

  @Override
  protected AddressSpaceOperations aops() {
    return psb.bug == Bug.FAULTS_UNDER_FOLIO_LOCK ? new PlantedAops.FaultingPerformWrite(psb)
        : new PlantedAops(psb);
  }

  synchronized Map<Long, Long> blockMap() {
    return new TreeMap<>(blocks);
  }

  synchronized boolean mapped(long index) {
    return blocks.containsKey(index);
  }

  synchronized void map(long index, long block) {
    blocks.put(index, block);
  }

  @Override
  public synchronized long blocks512() {
    return blocks.size() * (long) (Folio.SIZE / 512);
  }

  /** Frees the blocks of pages at or past {@code firstIndex}. */
  private synchronized void freeFrom(long firstIndex, long freeButKeepFrom) {
    for (Map.Entry<Long, Long> e : new ArrayList<>(blocks.tailMap(freeButKeepFrom).entrySet())) {
      psb.free(e.getValue());
      if (e.getKey() >= firstIndex) {
        blocks.remove(e.getKey());
      }
    }
  }

  @Override
  public void setattrSize(Task task, long newSize) {
    truncateSetsize(task, newSize);
    long firstGone = (newSize + Folio.SIZE - 1) >>> Folio.SHIFT;
    // The bug frees the straddling page's block too, though the file still maps it.
    long firstFreed = psb.bug == Bug.FREES_BLOCK_STILL_REFERENCED ? newSize >>> Folio.SHIFT
        : firstGone;
    freeFrom(firstGone, firstFreed);
  }

  @Override
  public void evict(Task task) {
    freeFrom(0, 0);
    psb.fileEvicted(this);
  }

  // ---- directories -------------------------------------------------------------------------

  @Override
  public synchronized @Nullable Inode lookup(String name) {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    return entries.get(name);
  }

  private PlantedInode add(String name, FileType type, int mode) {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    PlantedInode child = new PlantedInode(psb, psb.nextIno(), type, mode);
    synchronized (this) {
      entries.put(name, child);
    }
    if (type == FileType.DIRECTORY) {
      setNlink(nlink() + 1);
    } else {
      psb.fileCreated(child);
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
    PlantedInode child;
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
    PlantedInode child;
    synchronized (this) {
      child = entries.remove(oldName);
    }
    if (child == null) {
      throw Errno.ENOENT.exception(oldName);
    }
    PlantedInode target = (PlantedInode) newDir;
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
}
