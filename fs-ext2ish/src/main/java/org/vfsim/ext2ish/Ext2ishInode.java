package org.vfsim.ext2ish;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.OpenFile;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;

/** An ext2ish file or directory; its on-disk state is an {@link InodeRecord} in the image. */
final class Ext2ishInode extends Inode {
  final Ext2ishSuperBlock fs;
  final InodeRecord rec;
  final AllocInfo info = new AllocInfo();

  Ext2ishInode(Ext2ishSuperBlock fs, InodeRecord rec) {
    super(fs, rec.ino, rec.dir ? FileType.DIRECTORY : FileType.REGULAR, rec.mode);
    this.fs = fs;
    this.rec = rec;
    setSize(rec.size);
    setNlink(rec.nlink);
    setOwner(rec.uid, rec.gid);
    // ext2_iget: the times are the on-disk inode's (last, since setNlink stamps ctime).
    restoreTimes(rec.atimeSec * Ext2ishSuperBlock.NANOS_PER_SEC,
        rec.mtimeSec * Ext2ishSuperBlock.NANOS_PER_SEC,
        rec.ctimeSec * Ext2ishSuperBlock.NANOS_PER_SEC);
  }

  @Override
  protected AddressSpaceOperations aops() {
    return fs.aops;
  }

  /**
   * {@code ext2_write_inode}'s copy of {@code i_size}, links, mode, owner and the times (whole
   * seconds: {@code s_time_gran} kept them whole in core) into the on-disk inode.
   */
  void syncRecord() {
    rec.size = size();
    rec.atimeSec = Math.floorDiv(atimeNanos(), Ext2ishSuperBlock.NANOS_PER_SEC);
    rec.mtimeSec = Math.floorDiv(mtimeNanos(), Ext2ishSuperBlock.NANOS_PER_SEC);
    rec.ctimeSec = Math.floorDiv(ctimeNanos(), Ext2ishSuperBlock.NANOS_PER_SEC);
    rec.nlink = nlink();
    rec.mode = mode();
    rec.uid = uid();
    rec.gid = gid();
  }

  @Override
  public long blocks512() {
    synchronized (fs.lock) {
      return rec.blocks * (fs.geo.blockSize / 512);
    }
  }

  /** The window this file allocates from, or null (windows off, or not a regular file). */
  @Nullable ReservationWindow reservation() {
    if (!fs.reservation || rec.dir) {
      return null;
    }
    if (info.rsv == null) {
      info.rsv = new ReservationWindow(rec.ino, fs.windowBlocks);
    }
    return info.rsv;
  }

  /** {@code ext2_discard_reservation}. */
  void discardReservation() {
    synchronized (fs.lock) {
      if (info.rsv != null) {
        fs.alloc.removeWindow(info.rsv);
      }
    }
  }

  // ---- directories ---------------------------------------------------------------------------

  private void checkDir() {
    if (!rec.dir) {
      throw Errno.ENOTDIR.exception();
    }
  }

  @Override
  public @Nullable Inode lookup(String name) {
    checkDir();
    InodeRecord.DirSlot s;
    synchronized (fs.lock) {
      s = rec.entries.get(name);
    }
    return s == null ? null : fs.inode(s.ino());
  }

  /**
   * {@code ext2_add_link}: the entry goes in the first directory block with room for its
   * {@code rec_len}; with none, the directory grows by a block (allocated with create, like a
   * file's block, and written as metadata).
   */
  void addLink(Task task, String name, long ino, boolean dir) {
    int len = InodeRecord.recLen(name);
    synchronized (fs.lock) {
      if (rec.entries.containsKey(name)) {
        removeLink(name); // rename over an existing name replaces its entry
      }
      int bs = fs.geo.blockSize;
      int block = -1;
      for (int i = 0; i < rec.dirBlockUse.size(); i++) {
        if (rec.dirBlockUse.get(i) + len <= bs) {
          block = i;
          break;
        }
      }
      if (block < 0) {
        block = rec.dirBlockUse.size();
        fs.map.getBlockCreate(task, rec, info, block, null);
        fs.counters.dirBlocksAllocated++;
        rec.addDirBlock();
        fs.img.dirBlocks.put(fs.map.lookup(rec, block), new FsState.DirBlockRef(rec.ino, block));
        setSize((long) rec.dirBlockUse.size() * bs);
      }
      rec.dirBlockUse.set(block, rec.dirBlockUse.get(block) + len);
      rec.entries.put(name, new InodeRecord.DirSlot(ino, dir, block, len));
      rec.blockNames.get(block).add(name);
      InodeRecord target = fs.img.inodes.get(ino);
      if (target != null) {
        target.parent = rec.ino;
        target.name = name;
      }
      fs.meta.dirty(fs.map.lookup(rec, block));
      fs.meta.dirtyInode(rec.ino);
    }
  }

  /** {@code ext2_delete_entry}: blocks are never given back, as in ext2. */
  private InodeRecord.DirSlot removeLink(String name) {
    synchronized (fs.lock) {
      InodeRecord.DirSlot s = rec.entries.remove(name);
      if (s == null) {
        throw Errno.ENOENT.exception(name);
      }
      rec.dirBlockUse.set(s.block(), rec.dirBlockUse.get(s.block()) - s.recLen());
      rec.blockNames.get(s.block()).remove(name);
      fs.meta.dirty(fs.map.lookup(rec, s.block()));
      return s;
    }
  }

  /** Formats a new directory's first block with "." and "..". */
  void initDirectory(Task task, long parentIno) {
    synchronized (fs.lock) {
      fs.map.getBlockCreate(task, rec, info, 0, null);
      fs.counters.dirBlocksAllocated++;
      rec.parent = parentIno;
      rec.addDirBlock();
      fs.img.dirBlocks.put(fs.map.lookup(rec, 0), new FsState.DirBlockRef(rec.ino, 0));
      setSize(fs.geo.blockSize);
      fs.meta.dirty(fs.map.lookup(rec, 0));
    }
  }

  private Ext2ishInode newChild(Task task, String name, boolean dir, int mode) {
    checkDir();
    InodeRecord child = fs.newInode(this, dir, mode);
    Ext2ishInode ci = fs.inode(child.ino);
    try {
      if (dir) {
        ci.initDirectory(task, rec.ino);
      }
      addLink(task, name, child.ino, dir);
    } catch (RuntimeException e) {
      ci.setNlink(0);
      ci.evict(task);
      throw e;
    }
    if (dir) {
      setNlink(nlink() + 1);
    }
    return ci;
  }

  @Override
  public Inode create(Task task, String name, int mode) {
    return newChild(task, name, false, mode);
  }

  @Override
  public Inode mkdir(Task task, String name, int mode) {
    return newChild(task, name, true, mode);
  }

  @Override
  public void unlink(Task task, String name) {
    checkDir();
    InodeRecord.DirSlot s = removeLink(name);
    Ext2ishInode child = fs.inode(s.ino());
    child.setNlink(child.nlink() - 1);
  }

  @Override
  public void rmdir(Task task, String name) {
    checkDir();
    removeLink(name);
    setNlink(nlink() - 1);
  }

  @Override
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    checkDir();
    Ext2ishInode target = (Ext2ishInode) newDir;
    InodeRecord.DirSlot s;
    synchronized (fs.lock) {
      s = rec.entries.get(oldName);
    }
    if (s == null) {
      throw Errno.ENOENT.exception(oldName);
    }
    // Add first: growing the target directory may fail with ENOSPC, leaving the old name.
    target.addLink(task, newName, s.ino(), s.dir());
    removeLink(oldName);
    if (s.dir() && target != this) {
      setNlink(nlink() - 1);
      target.setNlink(target.nlink() + 1);
      // ext2_rename: the moved directory's ".." now names its new parent.
      Ext2ishInode moved = fs.inode(s.ino());
      synchronized (fs.lock) {
        moved.rec.parent = target.rec.ino; // addLink set it already; kept for clarity
        fs.meta.dirty(fs.map.lookup(moved.rec, 0));
        fs.meta.dirtyInode(moved.rec.ino);
      }
    }
  }

  @Override
  public List<DirEntry> readdir() {
    checkDir();
    List<DirEntry> out = new ArrayList<>();
    synchronized (fs.lock) {
      rec.entries.forEach((n, s) -> out.add(new DirEntry(n, s.ino(),
          s.dir() ? FileType.DIRECTORY : FileType.REGULAR)));
    }
    return out;
  }

  // ---- files ---------------------------------------------------------------------------------

  /**
   * {@code ext2_setsize}: zero the tail of the block holding the new end ({@code
   * block_truncate_page}), set the size and drop the page cache past it, then free the blocks
   * past it and the reservation window.
   */
  @Override
  public void setattrSize(Task task, long newSize) {
    int bs = fs.geo.blockSize;
    int tail = (int) (newSize % bs);
    long oldSize = size();
    if (tail != 0 && newSize < oldSize) {
      fs.aops.zeroBlockTail(task, this, newSize);
    } else if (newSize > oldSize) {
      fs.aops.sizeExtended(task, this, oldSize);
    }
    truncateSetsize(task, newSize);
    truncateBlocks(newSize);
  }

  /** {@code ext2_truncate_blocks}: frees blocks past {@code size} and drops the window. */
  void truncateBlocks(long size) {
    long keep = (size + fs.geo.blockSize - 1) / fs.geo.blockSize;
    boolean shrank = size < rec.size;
    int freed;
    synchronized (fs.lock) {
      freed = fs.map.truncate(rec, keep);
      if (info.rsv != null) {
        fs.alloc.removeWindow(info.rsv);
      }
    }
    if (freed > 0 || shrank) {
      syncRecord();
      fs.writeInodeDurably(rec);
    }
  }

  /**
   * {@code ext2_fsync} ({@code generic_file_fsync}): the VFS wrote the data back; write the
   * metadata ({@link Ext2ishSuperBlock#fsyncMetadata}), then flush the device cache.
   */
  @Override
  public void fsync(Task task, long start, long end, boolean datasync) {
    if (isDirectory()) {
      // A name this fsync makes durable must find its inode after a crash. The child's inode
      // may only reach the disk with its data (another file's fsync never makes a block map
      // durable before the blocks it maps), so a child changed in core since it was last
      // written is fsynced whole first: data, inode, then this directory's block.
      for (Ext2ishInode child : fs.changedChildren(rec)) {
        child.fsyncRange(task, 0, Long.MAX_VALUE, false);
      }
    }
    syncRecord();
    fs.fsyncMetadata(rec);
    fs.dev().flush();
  }

  /** {@code ext2_fiemap}: mapped blocks below EOF, physically contiguous ones merged. */
  @Override
  public List<FiemapExtent> fiemap(Task task, long start, long len) {
    int bs = fs.geo.blockSize;
    long endByte = Math.min(size(), start + len < 0 ? Long.MAX_VALUE : start + len);
    long first = start / bs;
    long last = (endByte + bs - 1) / bs;
    List<long[]> runs = new ArrayList<>();
    synchronized (fs.lock) {
      fs.map.forEachData(rec, first, (l, p) -> {
        if (l >= last) {
          return false;
        }
        long[] cur = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        if (cur != null && cur[0] + cur[2] == l && cur[1] + cur[2] == p) {
          cur[2]++;
        } else {
          runs.add(new long[] {l, p, 1});
        }
        return true;
      });
    }
    List<FiemapExtent> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      long[] r = runs.get(i);
      out.add(new FiemapExtent(r[0] * bs, r[1] * bs, r[2] * bs,
          i == runs.size() - 1 ? FiemapExtent.LAST : 0));
    }
    return out;
  }

  @Override
  public long seekData(Task task, long offset) {
    long size = size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    int bs = fs.geo.blockSize;
    long[] found = {-1};
    synchronized (fs.lock) {
      fs.map.forEachData(rec, offset / bs, (l, p) -> {
        found[0] = l;
        return false;
      });
    }
    if (found[0] < 0 || found[0] * bs >= size) {
      throw Errno.ENXIO.exception();
    }
    return Math.max(offset, found[0] * bs);
  }

  @Override
  public long seekHole(Task task, long offset) {
    long size = size();
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    int bs = fs.geo.blockSize;
    long[] next = {offset / bs};
    synchronized (fs.lock) {
      fs.map.forEachData(rec, offset / bs, (l, p) -> {
        if (l != next[0]) {
          return false;
        }
        next[0]++;
        return true;
      });
    }
    return Math.min(size, Math.max(offset, next[0] * bs));
  }

  /** {@code ext2_release_file}: the last close of a description drops the window. */
  @Override
  public void release(Task task, OpenFile file) {
    if (file.writable()) {
      discardReservation();
    }
  }

  /** {@code ext2_evict_inode}: no links and no users: free every block, then the inode. */
  @Override
  public void evict(Task task) {
    if (nlink() > 0) {
      return;
    }
    synchronized (fs.lock) {
      fs.map.truncate(rec, 0);
      if (info.rsv != null) {
        fs.alloc.removeWindow(info.rsv);
      }
      fs.freeInode(rec); // before anyone can reuse the blocks: see writeInodeDurably
    }
  }

  /** Bytes of page {@code index} that lie inside the file. */
  int bytesInPage(long index) {
    long rest = size() - (index << Folio.SHIFT);
    return (int) Math.max(0, Math.min(Folio.SIZE, rest));
  }
}
