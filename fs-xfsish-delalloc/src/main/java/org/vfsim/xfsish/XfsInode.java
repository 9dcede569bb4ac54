package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.IoKind;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.OpenFile;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.PageCache;
import org.vfsim.syscall.Errno;
import org.vfsim.xfsish.ExtentMap.Irec;
import org.vfsim.xfsish.ExtentMap.State;

/**
 * An xfsish inode ({@code struct xfs_inode}): its data fork, {@code i_delayed_blks}, the
 * on-disk size that trails {@code i_size} until I/O completes ({@code di_size}), the
 * {@code XFS_DIFLAG_PREALLOC} and {@code XFS_IDIRTY_RELEASE} flags, and for a directory its
 * entries. Extent state is guarded by the superblock's monitor.
 */
final class XfsInode extends Inode {
  private final XfsSuperBlock xsb;
  private final ExtentMap extents;
  private final TreeMap<String, Long> entries;
  /** {@code i_delayed_blks}. */
  long delayed;
  /** {@code di_size}: what the log says the size is. */
  long diskSize;
  private boolean preallocFlag;
  private boolean dirtyRelease;
  /** di_mtime and di_ctime as last committed to the log (see {@link #timestampsUnlogged}). */
  private long loggedMtime;
  private long loggedCtime;
  private int loggedMode;
  private int loggedUid;
  private int loggedGid;
  private int loggedNlink;
  /** bmbt blocks below the root in the inode, when the data fork's records outgrow it. */
  final List<Long> bmbt = new ArrayList<>();
  /** A directory's data blocks; null while the directory is shortform (in the inode). */
  @Nullable DirBlocks dir;
  /** The CIL sequence of the inode's last logged change, and whether it was more than times. */
  long cilSeq = -1;
  boolean cilData;
  /** Open file descriptions of this inode (open minus release); guarded by the superblock. */
  int openFiles;
  /** The generic write path's open mapping ({@link XfsAops}); guarded by {@code i_rwsem}. */
  XfsAops.@Nullable WriteChunk writeChunk;

  XfsInode(XfsSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.xsb = sb;
    this.extents = new ExtentMap();
    this.entries = new TreeMap<>();
    timestampsLogged();
  }

  XfsInode(XfsSuperBlock sb, InodeBuf.Dinode d) {
    super(sb, d.ino, d.type, d.mode);
    this.xsb = sb;
    this.extents = d.extents;
    this.entries = d.entries;
    this.bmbt.addAll(d.bmbtBlocks);
    this.dir = d.dir;
    this.diskSize = d.size;
    this.preallocFlag = d.preallocFlag;
    setSize(d.size);
    setOwner(d.uid, d.gid);
    setNlink(d.nlink);
    // xfs_inode_from_disk: the times are the dinode's, seconds and nanoseconds (set last:
    // setNlink stamps ctime).
    timesFromDisk(d.atime, d.mtime, d.ctime);
    timestampsLogged();
  }

  /** The three times as a dinode gives them ({@code xfs_inode_from_disk}). */
  void timesFromDisk(long atime, long mtime, long ctime) {
    restoreTimes(atime, mtime, ctime);
  }

  /**
   * Whether mtime or ctime moved since the inode was last logged: {@code xfs_vn_update_time}
   * would have committed a transaction logging the inode's timestamps. (atime alone is left to
   * ride along with the next log write, as relatime/lazytime mostly make it in practice.)
   */
  boolean timestampsUnlogged() {
    return mtimeNanos() != loggedMtime || ctimeNanos() != loggedCtime || mode() != loggedMode
        || uid() != loggedUid || gid() != loggedGid || nlink() != loggedNlink;
  }

  /** The inode core, times and attributes included, went into a transaction. */
  void timestampsLogged() {
    loggedMtime = mtimeNanos();
    loggedCtime = ctimeNanos();
    loggedMode = mode();
    loggedUid = uid();
    loggedGid = gid();
    loggedNlink = nlink();
  }

  /** The on-disk inode's fields as they are now (the data fork's real records only). */
  InodeBuf.Dinode toDinode() {
    InodeBuf.Dinode d = coreDinode();
    d.extents = extents.copyWithout(State.DELAY);
    d.entries = new TreeMap<>(entries);
    d.bmbtBlocks = new ArrayList<>(bmbt);
    d.dirBlocks = dir == null ? new ArrayList<>() : new ArrayList<>(dir.blocks);
    return d;
  }

  /** The core fields only (no copies of the data fork or the entries). */
  InodeBuf.Dinode coreDinode() {
    InodeBuf.Dinode d = new InodeBuf.Dinode();
    d.ino = ino();
    d.type = type();
    d.mode = mode();
    d.uid = uid();
    d.gid = gid();
    d.nlink = nlink();
    d.size = isDirectory() ? dirSize() : diskSize;
    d.atime = atimeNanos();
    d.mtime = mtimeNanos();
    d.ctime = ctimeNanos();
    d.preallocFlag = preallocFlag;
    return d;
  }

  /** A directory's di_size: its shortform bytes, or its blocks. */
  long dirSize() {
    return dir == null ? InodeBuf.sfSize(entries) : (long) dir.blocks.size() * xsb.bs;
  }

  TreeMap<String, Long> entriesView() {
    return entries;
  }

  /** The data fork's on-disk records: real extents, or a block directory's blocks. */
  List<Irec> forkIrecs() {
    List<Irec> out = new ArrayList<>();
    if (isDirectory()) {
      if (dir != null) {
        for (int i = 0; i < dir.blocks.size(); i++) {
          long b = dir.blocks.get(i);
          Irec last = out.isEmpty() ? null : out.get(out.size() - 1);
          if (last != null && last.start() + last.len() == b && last.end() == i
              && last.len() < ExtentMap.MAXEXTLEN) {
            out.set(out.size() - 1, new Irec(last.off(), last.start(), last.len() + 1,
                State.NORM, 0));
          } else {
            out.add(new Irec(i, b, 1, State.NORM, 0));
          }
        }
      }
      return out;
    }
    for (Irec r : extents.all()) {
      if (r.isReal()) {
        out.add(r);
      }
    }
    return out;
  }

  int forkRecords() {
    return forkIrecs().size();
  }

  int agno() {
    return (int) (ino() >>> 32);
  }

  ExtentMap extents() {
    return extents;
  }

  long delayedBlocks() {
    return delayed;
  }

  boolean preallocFlag() {
    return preallocFlag;
  }

  /** bmbt blocks the data fork has (none while its records fit in the inode). */
  int bmbtBlocks() {
    return bmbt.size();
  }

  long realBlocks() {
    synchronized (xsb) {
      long n = 0;
      for (Irec r : extents.all()) {
        if (r.isReal()) {
          n += r.len();
        }
      }
      return n;
    }
  }

  @Override
  protected AddressSpaceOperations aops() {
    return xsb.genericWritePath ? new XfsAops(this) : new XfsIomapAops(this);
  }

  /** XFS counts delayed blocks in {@code st_blocks}. */
  @Override
  public long blocks512() {
    long d;
    synchronized (xsb) {
      d = delayed;
    }
    return (realBlocks() + d) * (xsb.bs / 512);
  }

  // ---- directories ---------------------------------------------------------------------------

  @Override
  public @Nullable Inode lookup(String name) {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    synchronized (xsb) {
      Long ino = entries.get(name);
      XfsInode child = ino == null ? null : xsb.inode(ino);
      if (child != null) {
        // A path walk may go on to change its times or attributes (utimes, chmod, chown).
        xsb.touched(child);
      }
      return child;
    }
  }

  private XfsInode add(String name, FileType type, int mode) {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
      throw Errno.ENAMETOOLONG.exception(name);
    }
    xsb.transBegin();
    synchronized (xsb) {
      if (entries.containsKey(name)) {
        throw Errno.EEXIST.exception(name);
      }
      XfsInode child = xsb.newInode(this, type, mode);
      entries.put(name, child.ino());
      try {
        Dir2.added(xsb, this, name, child.ino());
      } catch (RuntimeException e) {
        entries.remove(name);
        child.setNlink(0);
        xsb.forget(child);
        throw e;
      }
      if (type == FileType.DIRECTORY) {
        setNlink(nlink() + 1);
      }
      xsb.logTx(1, agno(), this);
      return child;
    }
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
    xsb.transBegin();
    synchronized (xsb) {
      Long ino = entries.remove(name);
      if (ino == null) {
        throw Errno.ENOENT.exception(name);
      }
      Dir2.removed(this, name);
      XfsInode child = xsb.inode(ino);
      if (child != null) {
        child.setNlink(child.nlink() - 1);
        xsb.logTx(1, child.agno(), child);
      }
      xsb.logTx(2, agno(), this);
    }
  }

  @Override
  public void rmdir(Task task, String name) {
    xsb.transBegin();
    synchronized (xsb) {
      Long ino = entries.remove(name);
      if (ino == null) {
        throw Errno.ENOENT.exception(name);
      }
      Dir2.removed(this, name);
      XfsInode child = xsb.inode(ino);
      setNlink(nlink() - 1);
      if (child != null) {
        child.setNlink(0);
        xsb.forget(child);
      }
      xsb.logTx(2, agno(), this);
    }
  }

  @Override
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    XfsInode target = (XfsInode) newDir;
    xsb.transBegin();
    synchronized (xsb) {
      Long ino = entries.remove(oldName);
      if (ino == null) {
        throw Errno.ENOENT.exception(oldName);
      }
      Dir2.removed(this, oldName);
      Long old = target.entries.put(newName, ino);
      if (old != null) {
        Dir2.replaced(target, newName, ino);
      } else {
        Dir2.added(xsb, target, newName, ino);
      }
      XfsInode child = xsb.inode(ino);
      if (child != null && child.isDirectory() && target != this) {
        setNlink(nlink() - 1);
        target.setNlink(target.nlink() + 1);
      }
      if (child != null) {
        // xfs_rename logs the source inode with a new ctime: an fsync of it forces the log.
        child.touchCtime();
        xsb.logTx(1, child.agno(), child);
      }
      xsb.logTx(3, agno(), this);
      if (target != this) {
        xsb.logTx(1, target.agno(), target);
      }
    }
  }

  @Override
  public List<DirEntry> readdir() {
    if (!isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    List<DirEntry> out = new ArrayList<>();
    synchronized (xsb) {
      entries.forEach((n, ino) -> {
        XfsInode i = xsb.inode(ino);
        if (i != null) {
          out.add(new DirEntry(n, ino, i.type()));
        }
      });
    }
    return out;
  }

  // ---- page helpers --------------------------------------------------------------------------

  private PageCache cache() {
    return xsb.machine().pageCache();
  }

  /**
   * Makes a locked folio valid around a partial write ({@code __iomap_write_begin}): written
   * blocks are read, holes, delayed and unwritten blocks are zeroed. A whole-page write leaves
   * a new folio not uptodate, so that a short copy into it commits nothing.
   */
  void prepareFolio(Task task, Folio f, int len) {
    if (f.isUptodate() || len == Folio.SIZE) {
      return;
    }
    fillFolio(f);
  }

  /**
   * Reads or zeroes a whole folio block by block (a page holds {@code PAGE_SIZE / bs} blocks:
   * written ones are read, holes, delayed and unwritten ones zeroed), then zeroes what lies
   * past EOF.
   */
  void fillFolio(Folio f) {
    int bs = xsb.bs;
    long first = f.pos() / bs;
    for (int k = 0; k < Folio.SIZE / bs; k++) {
      Irec r = xsb.bmap.lookup(this, first + k);
      if (r != null && r.state() == State.NORM) {
        xsb.dev.read(r.physical(first + k), f.data(), k * bs, 1, IoKind.DATA);
      } else {
        f.zero(k * bs, (k + 1) * bs);
      }
    }
    long size = size();
    if (f.pos() + Folio.SIZE > size) {
      f.zero((int) Math.max(0, Math.min(Folio.SIZE, size - f.pos())), Folio.SIZE);
    }
    f.markUptodate();
  }

  /** The commit rule of {@code write_end}; updates i_size under the folio lock, then unlocks. */
  int commit(Task task, Folio folio, long pos, int len, int copied) {
    if (copied < len && !folio.isUptodate()) {
      copied = 0;
    }
    if (copied > 0) {
      if (!folio.isUptodate()) {
        folio.markUptodate();
      }
      folio.markDirty();
      if (pos + copied > size()) {
        setSize(pos + copied);
      }
    }
    folio.unlock(task);
    return copied;
  }

  /**
   * Zeroes {@code [from, to)} within one page through the page cache ({@code iomap_zero_range}
   * for a partial block) and says whether it dirtied anything ({@code did_zeroing}). A written
   * or delayed block is always zeroed and dirtied, even if the cached bytes already read as
   * zeros: past EOF the page cache shows zeros while the block on disk may still hold the bytes
   * a truncate cut off, and they must be overwritten before a larger size reaches the disk.
   * Holes and unwritten blocks read as zeros from disk, so only a dirty cached page there is
   * zeroed (and stays dirty).
   */
  boolean zeroPartial(Task task, long from, long to) {
    if (to <= from) {
      return false;
    }
    long idx = from >>> Folio.SHIFT;
    // The strongest state among the blocks of the range: written or delayed blocks hold (or
    // will hold) bytes on disk that must be overwritten.
    boolean written = false;
    boolean delayed = false;
    for (long b = from / xsb.bs; b * xsb.bs < to; b++) {
      State s = xsb.bmap.stateAt(this, b);
      written |= s == State.NORM;
      delayed |= s == State.DELAY;
    }
    boolean onDisk = written || delayed;
    if (mapping().lookup(idx) == null && !written) {
      return false;
    }
    Folio f = cache().readFolio(task, mapping(), idx);
    f.lock(task);
    try {
      if (f.isRemoved()) {
        return false;
      }
      int a = (int) (from - f.pos());
      int b = (int) Math.min(Folio.SIZE, to - f.pos());
      if (onDisk || f.isDirty()) {
        f.zero(a, b);
        f.markDirty();
        return true;
      }
      // A clean page over a hole or unwritten block: nothing on disk to overwrite.
      f.zero(a, b);
      return false;
    } finally {
      f.unlock(task);
    }
  }

  /** {@code xfs_file_write_zero_eof}: a write past EOF first zeroes from EOF to the write. */
  void zeroEof(Task task, long pos) {
    long isize = size();
    if (pos <= isize || (isize & (Folio.SIZE - 1)) == 0) {
      return;
    }
    long blockEnd = (isize | (Folio.SIZE - 1)) + 1;
    zeroPartial(task, isize, Math.min(pos, blockEnd));
  }

  // ---- size and space ------------------------------------------------------------------------

  /** {@code xfs_setattr_size}. */
  @Override
  public void setattrSize(Task task, long newSize) {
    xsb.transBegin();
    long old = size();
    boolean didZeroing = false;
    if (newSize > old) {
      if ((old & (Folio.SIZE - 1)) != 0) {
        didZeroing = zeroPartial(task, old, (old | (Folio.SIZE - 1)) + 1);
      }
      truncateSetsize(task, newSize);
    } else if (newSize < old) {
      if ((newSize & (Folio.SIZE - 1)) != 0) {
        // iomap_truncate_page
        didZeroing = zeroPartial(task, newSize, (newSize | (Folio.SIZE - 1)) + 1);
      }
      truncateSetsize(task, newSize);
      xsb.bmap.freeRange(this, (newSize + xsb.bs - 1) / xsb.bs, Long.MAX_VALUE / xsb.bs);
    }
    // The new size is about to be logged: the zeroing above, and any data between the on-disk
    // size and the new one, must be on disk first, or a crash exposes stale or missing blocks
    // under the logged size (xfs_setattr_size: write and wait [i_disk_size, newsize - 1]).
    long disk;
    synchronized (xsb) {
      disk = diskSize;
    }
    if ((didZeroing || (newSize > disk && old != disk)) && disk <= newSize - 1) {
      cache().writeAndWait(task, mapping(), disk, newSize - 1);
    }
    synchronized (xsb) {
      diskSize = newSize;
      xsb.logTx(1, agno(), this);
    }
  }

  /** {@code xfs_file_fallocate}: allocate (unwritten), keep size, punch hole, zero range. */
  @Override
  public void fallocate(Task task, int mode, long offset, long len) {
    int unsupported = FallocMode.COLLAPSE_RANGE | FallocMode.INSERT_RANGE | FallocMode.UNSHARE_RANGE;
    if ((mode & unsupported) != 0) {
      throw Errno.EOPNOTSUPP.exception("fallocate mode " + mode);
    }
    long end = offset + len;
    int bs = xsb.bs;
    xsb.transBegin();
    if ((mode & FallocMode.PUNCH_HOLE) != 0) {
      punch(task, offset, end);
      return;
    }
    if ((mode & FallocMode.ZERO_RANGE) != 0) {
      punch(task, offset, end);
    }
    xsb.bmap.allocateRange(task, this, offset / bs, (end + bs - 1) / bs);
    synchronized (xsb) {
      preallocFlag = true;
      xsb.logTx(1, agno(), this);
    }
    if ((mode & FallocMode.KEEP_SIZE) == 0 && end > size()) {
      setattrSize(task, end);
    }
  }

  /** {@code xfs_free_file_space}: flush, zero the partial blocks, drop the whole ones. */
  private void punch(Task task, long offset, long end) {
    int bs = xsb.bs;
    cache().writeAndWait(task, mapping(), offset, end - 1);
    long firstWhole = (offset + bs - 1) / bs;
    long lastWhole = end / bs;
    long size = size();
    if (firstWhole > lastWhole) {
      zeroPartial(task, offset, Math.min(end, size));
      return;
    }
    zeroPartial(task, offset, Math.min(firstWhole * bs, size));
    zeroPartial(task, Math.max(lastWhole * bs, offset), Math.min(end, size));
    if (lastWhole > firstWhole) {
      cache().truncateRange(task, mapping(), firstWhole * bs, lastWhole * bs - 1);
      xsb.bmap.freeRange(this, firstWhole, lastWhole);
    }
  }

  /**
   * {@code xfs_file_fsync}: the data was written and waited for; force the log. fdatasync does
   * not force for timestamp changes alone (XFS_ILOG_TIMESTAMP is not in the datasync mask).
   */
  @Override
  public void fsync(Task task, long start, long end, boolean datasync) {
    if (!xsb.fsyncForce(this, datasync)) {
      // Nothing of this inode left to log: the data written still needs the cache flushed.
      xsb.dev.flush();
    }
  }

  /**
   * {@code xfs_release} on the last close of a writable file: trims post-EOF blocks, unless the
   * file was fallocated or is being reopened and extended over and over - after the first trim,
   * delayed blocks still outstanding set {@code XFS_IDIRTY_RELEASE} and later closes keep them.
   * (Kernels from 6.11 simplified this to "trim on the first close only"; the issue asked for
   * the IDIRTY_RELEASE heuristic.)
   */
  @Override
  public void open(Task task, OpenFile file) {
    synchronized (xsb) {
      openFiles++;
      xsb.touched(this);
    }
  }

  @Override
  public void release(Task task, OpenFile file) {
    synchronized (xsb) {
      openFiles--;
      xsb.touched(this);
    }
    if (isDirectory() || !file.writable() || nlink() == 0) {
      return;
    }
    synchronized (xsb) {
      if (preallocFlag || dirtyRelease) {
        return;
      }
      Irec last = extents.last();
      if (last == null || last.end() * xsb.bs <= ((size() + xsb.bs - 1) / xsb.bs) * xsb.bs) {
        return;
      }
    }
    if (!rwsem().tryLock(task)) {
      return;
    }
    try {
      xsb.bmap.freeEofBlocks(this);
      synchronized (xsb) {
        if (delayed > 0) {
          dirtyRelease = true;
        }
      }
    } finally {
      rwsem().unlock(task);
    }
  }

  boolean dirtyRelease() {
    synchronized (xsb) {
      return dirtyRelease;
    }
  }

  @Override
  public void evict(Task task) {
    xsb.bmap.freeRange(this, 0, Long.MAX_VALUE / xsb.bs);
    xsb.forget(this);
  }

  // ---- reporting -----------------------------------------------------------------------------

  /**
   * {@code xfs_vn_fiemap}: written, unwritten and delayed extents in {@code [start,
   * start+len)}, adjacent ones of the same kind merged where they continue each other, LAST on
   * the last. Delayed extents have no physical address (DELALLOC | UNKNOWN, physical 0).
   */
  @Override
  public List<FiemapExtent> fiemap(Task task, long start, long len) {
    int bs = xsb.bs;
    long s = start / bs;
    long e = len >= Long.MAX_VALUE - start ? Long.MAX_VALUE / bs : (start + len + bs - 1) / bs;
    List<Irec> recs;
    synchronized (xsb) {
      recs = extents.overlapping(s, e);
    }
    List<FiemapExtent> out = new ArrayList<>();
    for (Irec r : recs) {
      long a = Math.max(r.off(), s);
      long b = Math.min(r.end(), e);
      int flags = switch (r.state()) {
        case NORM -> 0;
        case UNWRITTEN -> FiemapExtent.UNWRITTEN;
        case DELAY -> FiemapExtent.DELALLOC | FiemapExtent.UNKNOWN;
      };
      long phys = r.isDelay() ? 0 : r.physical(a) * bs;
      FiemapExtent x = new FiemapExtent(a * bs, phys, (b - a) * bs, flags);
      if (!out.isEmpty()) {
        FiemapExtent p = out.get(out.size() - 1);
        if (p.flags() == flags && p.logicalEnd() == x.logical()
            && (r.isDelay() || p.physical() + p.length() == x.physical())) {
          out.set(out.size() - 1, new FiemapExtent(p.logical(), p.physical(), p.length() + x.length(), flags));
          continue;
        }
      }
      out.add(x);
    }
    if (!out.isEmpty()) {
      FiemapExtent l = out.get(out.size() - 1);
      out.set(out.size() - 1, l.withFlags(l.flags() | FiemapExtent.LAST));
    }
    return out;
  }

  /** Whether the page at {@code idx} holds data a read would return (iomap_seek's page check). */
  private boolean pageHasData(long idx) {
    Folio f = mapping().lookup(idx);
    return f != null && !f.isRemoved() && (f.isDirty() || f.isUptodate());
  }

  /**
   * Within unwritten or delayed extent {@code r}, from {@code p} up to EOF: the offset of the
   * first page that holds data ({@code wantData}) or reads as a hole (not {@code wantData}), or
   * -1 if there is none.
   */
  private long firstPageOffset(long p, Irec r, long size, boolean wantData) {
    int bs = xsb.bs;
    for (long b = p / bs; b < r.end() && b * bs < size; b++) {
      // The page cache is indexed by page, the extent by block: the block's page decides.
      if (pageHasData(b * bs >>> Folio.SHIFT) == wantData) {
        return Math.max(p, b * bs);
      }
    }
    return -1;
  }

  /**
   * {@code iomap_seek_data}: written extents are data; unwritten and delayed extents are data
   * only where a cached page is dirty or uptodate; holes are not.
   */
  @Override
  public long seekData(Task task, long offset) {
    long size = size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    int bs = xsb.bs;
    long p = offset;
    while (p < size) {
      Irec r;
      synchronized (xsb) {
        r = extents.next(p / bs);
      }
      if (r == null) {
        break;
      }
      p = Math.max(p, r.off() * bs);
      if (p >= size) {
        break;
      }
      if (r.state() == State.NORM) {
        return p;
      }
      long found = firstPageOffset(p, r, size, true);
      if (found >= 0) {
        return found;
      }
      p = r.end() * bs;
    }
    throw Errno.ENXIO.exception();
  }

  /** {@code iomap_seek_hole}: the first offset that reads as a hole; EOF counts as one. */
  @Override
  public long seekHole(Task task, long offset) {
    long size = size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    int bs = xsb.bs;
    long p = offset;
    while (p < size) {
      Irec r;
      synchronized (xsb) {
        r = extents.lookup(p / bs);
      }
      if (r == null) {
        return p;
      }
      if (r.state() != State.NORM) {
        long found = firstPageOffset(p, r, size, false);
        if (found >= 0) {
          return found;
        }
      }
      p = r.end() * bs;
    }
    return size;
  }
}
