package org.vfsim.btrfsish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.PageCache;
import org.vfsim.syscall.Errno;

/**
 * A btrfsish file or directory: its live inode item (file extent items, directory entries) and
 * the delalloc state of its dirty sectors (sector index to whether it holds a data reservation;
 * a NODATACOW overwrite in place holds none). Both are guarded by the filesystem's monitor.
 */
final class BtrfsInode extends Inode {
  final BtrfsFs fs;
  final InodeItem item;
  /** {@code EXTENT_DELALLOC} per sector: true if it holds a data reservation ({@code !EXTENT_NORESERVE}). */
  final TreeMap<Long, Boolean> delalloc = new TreeMap<>();
  private final BtrfsAops aops;

  BtrfsInode(BtrfsFs fs, InodeItem item) {
    super(fs, item.ino, item.type, item.mode);
    this.fs = fs;
    this.item = item;
    this.aops = new BtrfsAops(fs);
    setSize(item.size);
    setOwner(item.uid, item.gid);
    if (item.nlink != nlink()) {
      setNlink(item.nlink);
    }
  }

  @Override
  protected AddressSpaceOperations aops() {
    return aops;
  }

  boolean nodatacow() {
    return item.has(InodeItem.FLAG_NODATACOW);
  }

  /**
   * {@code disk_i_size}: the size a commit may record. It covers data up to the first sector
   * still waiting for writeback, never below what it covered before, never past {@code i_size}.
   */
  long diskIsize() {
    synchronized (fs) {
      long firstDirty = delalloc.isEmpty() ? Long.MAX_VALUE : delalloc.firstKey() * fs.sectorSize;
      return Math.min(size(), Math.max(item.size, firstDirty));
    }
  }

  /** At mount: i_atime/i_mtime/i_ctime are what the on-disk inode item holds. */
  void readTimesFromItem() {
    restoreTimes(item.atime, item.mtime, item.ctime);
  }

  /** The inode item as a commit or the log records it. */
  InodeItem snapshot(long diskSize) {
    item.size = diskSize;
    item.nlink = nlink();
    item.mode = mode();
    item.uid = uid();
    item.gid = gid();
    item.atime = atimeNanos();
    item.mtime = mtimeNanos();
    item.ctime = ctimeNanos();
    return item;
  }

  @Override
  public long blocks512() {
    synchronized (fs) {
      long bytes = (long) delalloc.size() * fs.sectorSize;
      for (FileExtentItem it : item.items.values()) {
        bytes += it.numBytes();
      }
      return bytes / 512;
    }
  }

  // ---- directories -----------------------------------------------------------------------------

  private void checkDir() {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
  }

  @Override
  public @Nullable Inode lookup(String name) {
    checkDir();
    Long ino;
    synchronized (fs) {
      ino = item.entries.get(name);
    }
    return ino == null ? null : fs.inode(ino);
  }

  private Inode add(String name, FileType type, int mode) {
    checkDir();
    BtrfsInode child = fs.newInode(type, mode);
    synchronized (fs) {
      fs.addEntry(this, name, child.ino());
    }
    if (type == FileType.DIRECTORY) {
      setNlink(nlink() + 1);
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
    checkDir();
    Long ino;
    synchronized (fs) {
      ino = fs.removeEntry(this, name);
    }
    if (ino == null) {
      throw Errno.ENOENT.exception(name);
    }
    BtrfsInode child = fs.inode(ino);
    child.setNlink(child.nlink() - 1);
  }

  @Override
  public void rmdir(Task task, String name) {
    checkDir();
    synchronized (fs) {
      if (fs.removeEntry(this, name) == null) {
        throw Errno.ENOENT.exception(name);
      }
    }
    setNlink(nlink() - 1);
  }

  @Override
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    checkDir();
    BtrfsInode target = (BtrfsInode) newDir;
    Long ino;
    synchronized (fs) {
      ino = fs.removeEntry(this, oldName);
      if (ino == null) {
        throw Errno.ENOENT.exception(oldName);
      }
      fs.addEntry(target, newName, ino);
    }
    if (fs.inode(ino).isDirectory() && target != this) {
      setNlink(nlink() - 1);
      target.setNlink(target.nlink() + 1);
    }
  }

  @Override
  public List<DirEntry> readdir() {
    checkDir();
    List<DirEntry> out = new ArrayList<>();
    Map<String, Long> copy;
    synchronized (fs) {
      copy = new TreeMap<>(item.entries);
    }
    copy.forEach((n, ino) -> out.add(new DirEntry(n, ino, fs.inode(ino).type())));
    return out;
  }

  @Override
  public void evict(Task task) {
    fs.evictInode(this);
  }

  // ---- size, fallocate, fsync -------------------------------------------------------------------

  private long roundUp(long v) {
    return (v + fs.sectorSize - 1) / fs.sectorSize * fs.sectorSize;
  }

  private long roundDown(long v) {
    return v / fs.sectorSize * fs.sectorSize;
  }

  /**
   * {@code btrfs_truncate_block}: zeroes {@code [from, to)} (within one page) in the page cache
   * and dirties the page, so that bytes a later size change exposes read as zeros.
   */
  void zeroInPage(Task task, long from, long to) {
    if (from >= to) {
      return;
    }
    PageCache cache = fs.machine().pageCache();
    fs.reserveDelalloc(task, fs.sectorSize, 1);
    Folio f = cache.grabFolio(task, mapping(), from >>> Folio.SHIFT);
    try {
      if (!f.isUptodate()) {
        fs.readPage(task, this, f);
      }
    } catch (RuntimeException e) {
      f.unlock(task);
      fs.releaseReservation(fs.sectorSize, 1);
      throw e;
    }
    f.zero((int) (from - f.pos()), (int) (to - f.pos()));
    fs.markDelalloc(this, f.index(), 1, true);
    f.markDirty();
    f.unlock(task);
  }

  /** {@code btrfs_cont_expand}: before the size grows past {@code oldSize}, zero its block's tail. */
  void contExpand(Task task, long oldSize) {
    if (oldSize % fs.sectorSize != 0) {
      zeroInPage(task, oldSize, roundUp(oldSize));
    }
  }

  @Override
  public void setattrSize(Task task, long newSize) {
    long old = size();
    if (newSize > old) {
      contExpand(task, old);
      truncateSetsize(task, newSize);
      return;
    }
    truncateSetsize(task, newSize);
    if (newSize < old) {
      // btrfs_truncate_inode_items: items past the last block go; the straddling one stays.
      fs.dropExtents(this, roundUp(newSize), Long.MAX_VALUE);
    }
  }

  @Override
  public void fallocate(Task task, int mode, long offset, long len) {
    int supported = FallocMode.KEEP_SIZE | FallocMode.PUNCH_HOLE | FallocMode.ZERO_RANGE;
    if ((mode & ~supported) != 0) {
      throw Errno.EOPNOTSUPP.exception("btrfsish fallocate mode " + mode);
    }
    long end = offset + len;
    PageCache cache = fs.machine().pageCache();
    // btrfs waits for ordered extents in the range first; here: write it back.
    cache.writeAndWait(task, mapping(), roundDown(offset), roundUp(end) - 1);
    if ((mode & FallocMode.PUNCH_HOLE) != 0) {
      punch(task, offset, Math.min(end, size()));
      return;
    }
    boolean keep = (mode & FallocMode.KEEP_SIZE) != 0;
    if (!keep && end > size()) {
      contExpand(task, size());
    }
    if ((mode & FallocMode.ZERO_RANGE) != 0) {
      punch(task, offset, end);
      long s = roundUp(offset);
      long e = roundDown(end);
      if (s < e) {
        fs.preallocate(task, this, s, e);
      }
    } else {
      fs.preallocate(task, this, roundDown(offset), roundUp(end));
    }
    if (!keep && end > size()) {
      setSize(end);
    }
  }

  /** {@code btrfs_punch_hole}: zero the partial blocks at the ends, drop the whole ones. */
  private void punch(Task task, long s, long e) {
    if (s >= e) {
      return;
    }
    long as = roundUp(s);
    long ae = roundDown(e);
    if (as > ae) {
      zeroInPage(task, s, Math.min(e, size()));
      return;
    }
    if (s < as) {
      zeroInPage(task, s, Math.min(as, size()));
    }
    if (e > ae) {
      zeroInPage(task, ae, Math.min(e, size()));
    }
    if (as < ae) {
      fs.machine().pageCache().truncateRange(task, mapping(), as, ae - 1);
      fs.dropExtents(this, as, ae);
    }
  }

  @Override
  public void fsync(Task task, long start, long end, boolean datasync) {
    if (isDirectory()) {
      fs.commitTransaction(); // a directory fsync falls back to a full commit, as btrfs often does
      return;
    }
    fs.logInode(this);
  }

  @Override
  public void remapRange(Task task, Inode src, long srcOff, long dstOff, long len) {
    BtrfsInode s = (BtrfsInode) src;
    int bs = fs.sectorSize;
    if (len == 0) {
      return;
    }
    if (srcOff + len > s.size()) {
      throw Errno.EINVAL.exception("clone past the source's EOF");
    }
    boolean toEof = srcOff + len == s.size();
    if (srcOff % bs != 0 || dstOff % bs != 0 || (len % bs != 0 && !toEof)) {
      throw Errno.EINVAL.exception("clone range not block aligned");
    }
    if (len % bs != 0 && dstOff + len < size()) {
      throw Errno.EINVAL.exception("unaligned clone end inside the destination");
    }
    long alen = roundUp(len);
    if (s == this && srcOff < dstOff + alen && dstOff < srcOff + alen) {
      throw Errno.EINVAL.exception("overlapping clone within one file");
    }
    if (dstOff > size()) {
      contExpand(task, size()); // as btrfs_clone_files: the old EOF block's tail reads as zeros
    }
    fs.machine().pageCache().truncateRange(task, mapping(), dstOff, dstOff + alen - 1);
    fs.cloneRange(s, srcOff, this, dstOff, alen);
    if (dstOff + len > size()) {
      setSize(dstOff + len);
    }
  }

  // ---- fiemap and seek ----------------------------------------------------------------------

  /**
   * The file's extents in {@code fiemap} terms, in file order: one per file extent item, dirty
   * delalloc ranges replacing what lies under them, adjacent pieces merged when physically
   * contiguous with equal flags (as btrfs's emit_fiemap_extent merges).
   */
  private List<FiemapExtent> extentMap() {
    List<FiemapExtent> raw = new ArrayList<>();
    int bs = fs.sectorSize;
    synchronized (fs) {
      List<long[]> dirty = new ArrayList<>();
      for (long sct : delalloc.keySet()) {
        long at = sct * bs;
        if (!dirty.isEmpty() && dirty.get(dirty.size() - 1)[1] == at) {
          dirty.get(dirty.size() - 1)[1] = at + bs;
        } else {
          dirty.add(new long[] {at, at + bs});
        }
      }
      for (Map.Entry<Long, FileExtentItem> e : item.items.entrySet()) {
        long k = e.getKey();
        FileExtentItem it = e.getValue();
        DiskExtent ext = fs.extent(it.diskBytenr());
        int flags = (it.prealloc() ? FiemapExtent.UNWRITTEN : 0)
            | (ext != null && ext.shared() ? FiemapExtent.SHARED : 0);
        long at = k;
        long end = k + it.numBytes();
        for (long[] d : dirty) {
          if (d[1] <= at || d[0] >= end) {
            continue;
          }
          if (d[0] > at) {
            raw.add(new FiemapExtent(at, it.diskByteAt(at - k), d[0] - at, flags));
          }
          at = Math.min(end, d[1]);
        }
        if (at < end) {
          raw.add(new FiemapExtent(at, it.diskByteAt(at - k), end - at, flags));
        }
      }
      for (long[] d : dirty) {
        raw.add(new FiemapExtent(d[0], 0, d[1] - d[0],
            FiemapExtent.DELALLOC | FiemapExtent.UNKNOWN));
      }
    }
    raw.sort((a, b) -> Long.compare(a.logical(), b.logical()));
    List<FiemapExtent> out = new ArrayList<>();
    for (FiemapExtent x : raw) {
      if (!out.isEmpty()) {
        FiemapExtent p = out.get(out.size() - 1);
        if (p.logicalEnd() == x.logical() && p.flags() == x.flags()
            && !x.has(FiemapExtent.DELALLOC) && p.physical() + p.length() == x.physical()) {
          out.set(out.size() - 1, new FiemapExtent(p.logical(), p.physical(),
              p.length() + x.length(), p.flags()));
          continue;
        }
        if (p.logicalEnd() == x.logical() && x.has(FiemapExtent.DELALLOC)
            && p.has(FiemapExtent.DELALLOC)) {
          out.set(out.size() - 1, new FiemapExtent(p.logical(), 0, p.length() + x.length(),
              p.flags()));
          continue;
        }
      }
      out.add(x);
    }
    return out;
  }

  @Override
  public List<FiemapExtent> fiemap(Task task, long start, long len) {
    List<FiemapExtent> all = extentMap();
    long end = len > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + len;
    List<FiemapExtent> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      FiemapExtent x = all.get(i);
      if (x.logicalEnd() <= start || x.logical() >= end) {
        continue;
      }
      out.add(i == all.size() - 1 ? x.withFlags(x.flags() | FiemapExtent.LAST) : x);
    }
    return out;
  }

  /** Data for SEEK_DATA: written extents and dirty ranges; preallocated ranges count as holes. */
  private List<FiemapExtent> dataRanges() {
    List<FiemapExtent> out = new ArrayList<>();
    for (FiemapExtent x : extentMap()) {
      if (!x.has(FiemapExtent.UNWRITTEN)) {
        out.add(x);
      }
    }
    return out;
  }

  @Override
  public long seekData(Task task, long offset) {
    long size = size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    for (FiemapExtent x : dataRanges()) {
      if (x.logicalEnd() > offset) {
        long at = Math.max(offset, x.logical());
        if (at >= size) {
          break;
        }
        return at;
      }
    }
    throw Errno.ENXIO.exception();
  }

  @Override
  public long seekHole(Task task, long offset) {
    long size = size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    long at = offset;
    for (FiemapExtent x : dataRanges()) {
      if (x.logicalEnd() <= at) {
        continue;
      }
      if (x.logical() > at) {
        break;
      }
      at = x.logicalEnd();
    }
    return Math.min(at, size);
  }
}
