package org.vfsim.write;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.SimpleInode;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;

/**
 * A pwfs file or directory. A file's written-back pages live in {@code store}; which pages hold
 * a data unit ({@code allocated}) and which a dirty-metadata unit ({@code delalloc}) change only
 * under the page's folio lock, so a write that locked the page sees them stable.
 */
final class PwfsInode extends SimpleInode<PwfsInode> {
  private final PwfsSuperBlock psb;
  private final TreeMap<Long, byte[]> store = new TreeMap<>();
  private final Set<Long> allocated = new HashSet<>();
  private final Set<Long> delalloc = new HashSet<>();

  PwfsInode(PwfsSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.psb = sb;
  }

  @Override
  protected AddressSpaceOperations aops() {
    return psb.aops;
  }

  /** Units page {@code index} still needs to become dirty: data if unallocated, metadata if clean. */
  synchronized int unitsToDirty(long index) {
    return (allocated.contains(index) ? 0 : 1) + (delalloc.contains(index) ? 0 : 1);
  }

  synchronized void pageDirtied(long index) {
    allocated.add(index);
    delalloc.add(index);
  }

  /** Writeback of a page: its bytes reach the store and its metadata unit is freed. */
  void pageWritten(long index, byte[] data) {
    boolean freed;
    synchronized (this) {
      store.put(index, data.clone());
      freed = delalloc.remove(index);
    }
    if (freed) {
      psb.free(1);
    }
  }

  /** Fills a page from the store, or with zeros for a hole. */
  synchronized void readPage(long index, byte[] dst) {
    byte[] d = store.get(index);
    if (d == null) {
      Arrays.fill(dst, (byte) 0);
    } else {
      System.arraycopy(d, 0, dst, 0, Folio.SIZE);
    }
  }

  /** A whole page was truncated: its units go back to free space. */
  void dropPage(long index) {
    int n;
    synchronized (this) {
      n = (allocated.remove(index) ? 1 : 0) + (delalloc.remove(index) ? 1 : 0);
      store.remove(index);
    }
    psb.free(n);
  }

  synchronized void zeroStored(long index, int from, int to) {
    byte[] d = store.get(index);
    if (d != null) {
      Arrays.fill(d, from, to, (byte) 0);
    }
  }

  @Override
  public void setattrSize(Task task, long newSize) {
    psb.inFileOp.accept("setattr", task);
    truncateSetsize(task, newSize);
    truncateStore(newSize);
  }

  /** Frees pages past {@code newSize} that are no longer cached, and zeroes the stored tail. */
  private void truncateStore(long newSize) {
    long firstWhole = (newSize + Folio.SIZE - 1) >>> Folio.SHIFT;
    List<Long> gone = new ArrayList<>();
    synchronized (this) {
      for (long idx : allocated) {
        if (idx >= firstWhole) {
          gone.add(idx);
        }
      }
      if ((newSize & (Folio.SIZE - 1)) != 0) {
        byte[] d = store.get(newSize >>> Folio.SHIFT);
        if (d != null) {
          Arrays.fill(d, (int) (newSize & (Folio.SIZE - 1)), Folio.SIZE, (byte) 0);
        }
      }
    }
    gone.forEach(this::dropPage);
  }

  /** Preallocation without blocks: only the size grows (no KEEP_SIZE). */
  @Override
  public void fallocate(Task task, int mode, long offset, long len) {
    psb.inFileOp.accept("fallocate", task);
    if ((mode & org.vfsim.fs.FallocMode.KEEP_SIZE) == 0 && offset + len > size()) {
      setSize(offset + len);
    }
  }

  @Override
  public void fsync(Task task, long start, long end, boolean datasync) {
    psb.inFileOp.accept("fsync", task);
    super.fsync(task, start, end, datasync);
  }

  @Override
  public List<org.vfsim.fs.FiemapExtent> fiemap(Task task, long start, long len) {
    psb.inFileOp.accept("fiemap", task);
    return List.of();
  }

  @Override
  public long seekData(Task task, long offset) {
    psb.inFileOp.accept("seekData", task);
    return super.seekData(task, offset);
  }

  @Override
  public long blocks512() {
    synchronized (this) {
      return allocated.size() * (long) (Folio.SIZE / 512);
    }
  }

  /** fsck of one file: delalloc pages are allocated and dirty in the cache, and vice versa. */
  long checkAndCountUnits(FsckReport.Builder r) {
    List<Long> alloc;
    List<Long> dirty;
    synchronized (this) {
      alloc = new ArrayList<>(allocated);
      dirty = new ArrayList<>(delalloc);
    }
    for (long idx : dirty) {
      r.check(alloc.contains(idx), "pwfs: ino %d page %d delalloc but not allocated", ino(), idx);
      Folio f = mapping().lookup(idx);
      r.check(f != null && (f.isDirty() || f.isWriteback()),
          "pwfs: ino %d page %d holds a delalloc unit but is not dirty", ino(), idx);
    }
    for (long idx = mapping().nextDirty(0); idx >= 0; idx = mapping().nextDirty(idx + 1)) {
      r.check(dirty.contains(idx), "pwfs: ino %d page %d dirty without a delalloc unit", ino(), idx);
    }
    return alloc.size() + dirty.size();
  }

  @Override
  public void release(Task task, org.vfsim.fs.OpenFile file) {
    psb.inFileOp.accept("release", task);
  }

  @Override
  public void evict(Task task) {
    psb.inFileOp.accept("evict", task);
    truncateStore(0);
    psb.fileEvicted(this);
  }

  // ---- directory operations ------------------------------------------------------------------

  @Override
  protected PwfsInode newChild(FileType type, int mode) {
    return new PwfsInode(psb, psb.nextIno(), type, mode);
  }

  @Override
  protected void fileCreated(PwfsInode child) {
    psb.fileCreated(child);
  }
}
