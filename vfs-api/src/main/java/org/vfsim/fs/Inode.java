package org.vfsim.fs;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Mutex;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;

/**
 * A file or directory of a mounted filesystem ({@code struct inode}). Plugins extend it: the
 * VFS keeps the generic state here ({@code i_size}, link count, times, the page cache, the
 * {@code i_rwsem}) and calls the overridable operations, whose defaults are what the kernel
 * does for a filesystem that does not implement them ({@code ENOTDIR}, {@code EOPNOTSUPP},
 * the generic llseek).
 *
 * <p>A filesystem must return the same {@code Inode} object for the same inode number for as
 * long as anyone uses it, so that the file has exactly one page cache.
 */
public abstract class Inode {
  private final SuperBlock sb;
  private final long ino;
  private final FileType type;
  private final Mutex rwsem;
  private @Nullable Mapping mapping;
  private volatile long size;
  private volatile int nlink;
  private volatile int mode;
  private volatile int uid;
  private volatile int gid;
  private volatile long atime;
  private volatile long mtime;
  private volatile long ctime;
  int users;
  /** Set (under the inode's monitor) once {@code iput} decided to evict it. */
  boolean evicted;
  private final List<InodeUse> uses = new ArrayList<>(2);

  protected Inode(SuperBlock sb, long ino, FileType type, int mode) {
    this.sb = sb;
    this.ino = ino;
    this.type = type;
    this.mode = mode & 07777;
    this.nlink = type == FileType.DIRECTORY ? 2 : 1;
    this.rwsem = new Mutex(sb.machine().lockValidator(),
        sb.machine().lockValidator().lockClass("i_rwsem", true));
    long now = currentTime();
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
  }

  public final SuperBlock superBlock() {
    return sb;
  }

  public final long ino() {
    return ino;
  }

  public final FileType type() {
    return type;
  }

  public final boolean isDirectory() {
    return type == FileType.DIRECTORY;
  }

  /** The inode's {@code i_rwsem}, held for writing across a write, truncate or fallocate. */
  public final Mutex rwsem() {
    return rwsem;
  }

  /** The file's page cache, created on first use with the filesystem's {@link #aops()}. */
  public final synchronized Mapping mapping() {
    if (mapping == null) {
      mapping = sb.machine().pageCache().newMapping(this, aops());
    }
    return mapping;
  }

  /** The address-space operations of this file; directories never reach the page cache here. */
  protected abstract AddressSpaceOperations aops();

  // ---- generic state -------------------------------------------------------------------------

  /** {@code i_size_read}. */
  public final long size() {
    return size;
  }

  /** {@code i_size_write}; writers call it with the page locked or under the inode lock. */
  public final void setSize(long newSize) {
    this.size = newSize;
  }

  public final int nlink() {
    return nlink;
  }

  public final void setNlink(int n) {
    this.nlink = n;
    touchCtime();
  }

  public final int mode() {
    return mode;
  }

  public final int uid() {
    return uid;
  }

  public final int gid() {
    return gid;
  }

  public final void setOwner(int newUid, int newGid) {
    this.uid = newUid;
    this.gid = newGid;
  }

  public final void setMode(int newMode) {
    this.mode = newMode & 07777;
    touchCtime();
  }

  public final long atimeNanos() {
    return atime;
  }

  public final long mtimeNanos() {
    return mtime;
  }

  public final long ctimeNanos() {
    return ctime;
  }

  /** {@code file_update_time}: mtime and ctime become now; with {@code modified} false, only atime. */
  public final void touchTimes(boolean modified) {
    long now = currentTime();
    if (modified) {
      mtime = now;
      ctime = now;
    } else {
      atime = now;
    }
  }

  public final void touchCtime() {
    ctime = currentTime();
  }

  /**
   * {@code utimensat(2)}: atime and mtime as the caller gives them (a negative value keeps the
   * time, {@code UTIME_OMIT}); ctime becomes now, as {@code notify_change} does.
   */
  public final void setTimes(long atimeNanos, long mtimeNanos) {
    if (atimeNanos >= 0) {
      this.atime = atimeNanos;
    }
    if (mtimeNanos >= 0) {
      this.mtime = mtimeNanos;
    }
    touchCtime();
  }

  /** {@code current_time} for callers that set a time to "now" ({@code UTIME_NOW}). */
  public final long now() {
    return currentTime();
  }

  /** {@code current_time}: now, truncated to the filesystem's {@code s_time_gran}. */
  private long currentTime() {
    long now = sb.machine().clock().nanoTime();
    long gran = sb.timeGranularityNanos();
    return gran <= 1 ? now : now - Math.floorMod(now, gran);
  }

  /**
   * Sets the times read from the on-disk inode at mount or log replay, as a filesystem's
   * {@code iget} fills {@code i_atime}/{@code i_mtime}/{@code i_ctime} from its inode item:
   * mounting must not make them "now".
   */
  protected final void restoreTimes(long atimeNanos, long mtimeNanos, long ctimeNanos) {
    this.atime = atimeNanos;
    this.mtime = mtimeNanos;
    this.ctime = ctimeNanos;
  }

  /** Users: open files and mappings. The inode is evicted when this and the link count reach 0. */
  public final synchronized int users() {
    return users;
  }

  /**
   * Marks the inode as used by {@code task} in {@code op} until the handle is closed. The VFS
   * brackets every file operation with it, so that evicting the inode meanwhile (its file was
   * not held: a missing {@code fdget}) or using an evicted one is reported by the lock
   * validator instead of silently corrupting the filesystem.
   */
  public final InodeUse use(Task task, String op) {
    InodeUse u = new InodeUse(this, task, op);
    boolean dead;
    synchronized (this) {
      dead = evicted;
      uses.add(u);
    }
    if (dead) {
      u.close();
      sb.machine().lockValidator().reportEvictedInUse(task, toString(),
          "used by " + u + " after it was evicted", List.of("-> now: " + u));
    }
    return u;
  }

  final synchronized void endUse(InodeUse u) {
    uses.remove(u);
  }

  /** Eviction's check: no system call may still be using the inode. */
  final void checkNotInUse(Task evictor) {
    List<String> live = new ArrayList<>();
    synchronized (this) {
      for (InodeUse u : uses) {
        live.add("-> still in use: " + u);
      }
    }
    if (!live.isEmpty()) {
      sb.machine().lockValidator().reportEvictedInUse(evictor, toString(),
          "evicted by " + evictor.lockdepName() + " while a system call still uses it"
              + " (a file reference is missing)", live);
    }
  }

  /** Space allocated to the file in 512-byte units ({@code st_blocks}). */
  public long blocks512() {
    return 0;
  }

  public Stat stat() {
    return new Stat(sb.deviceNumber(), ino, type, mode, nlink, uid, gid, size, blocks512(),
        sb.blockSize(), atime, mtime, ctime);
  }

  // ---- directory operations (inode_operations of a directory) --------------------------------

  /** The child called {@code name}, or null. */
  public @Nullable Inode lookup(String name) {
    throw Errno.ENOTDIR.exception();
  }

  /** Creates a regular file; the caller checked that {@code name} does not exist. */
  public Inode create(Task task, String name, int mode) {
    throw Errno.ENOTDIR.exception();
  }

  public Inode mkdir(Task task, String name, int mode) {
    throw Errno.ENOTDIR.exception();
  }

  /** Removes the entry of a non-directory and drops its link count. */
  public void unlink(Task task, String name) {
    throw Errno.ENOTDIR.exception();
  }

  /** Removes an empty directory (the VFS checked it is empty). */
  public void rmdir(Task task, String name) {
    throw Errno.ENOTDIR.exception();
  }

  /**
   * Moves entry {@code oldName} to {@code newDir}/{@code newName} (same filesystem), replacing
   * what is there (the VFS checked type compatibility and emptiness, and unlinks the target).
   */
  public void rename(Task task, String oldName, Inode newDir, String newName) {
    throw Errno.ENOTDIR.exception();
  }

  public List<DirEntry> readdir() {
    throw Errno.ENOTDIR.exception();
  }

  // ---- file operations -----------------------------------------------------------------------

  /**
   * Changes the size ({@code setattr} with {@code ATTR_SIZE}), with {@code i_rwsem} held. The
   * default is {@link #truncateSetsize}; filesystems override it to free blocks past the new
   * end (and must still call {@code truncateSetsize}).
   */
  public void setattrSize(Task task, long newSize) {
    truncateSetsize(task, newSize);
  }

  /** {@code truncate_setsize}: sets {@code i_size}, then drops the page cache past it. */
  protected final void truncateSetsize(Task task, long newSize) {
    long old = size;
    setSize(newSize);
    if (newSize < old) {
      sb.machine().pageCache().truncatePagecache(task, mapping(), newSize);
    }
  }

  /** {@code fallocate} with the VFS's checks done and {@code i_rwsem} held. */
  public void fallocate(Task task, int mode, long offset, long len) {
    throw Errno.EOPNOTSUPP.exception("fallocate");
  }

  /**
   * {@code fsync} after the VFS wrote back and waited for {@code [start, end]}: make metadata
   * (and, unless {@code datasync}, the times) durable and flush the device's cache.
   */
  public void fsync(Task task, long start, long end, boolean datasync) {
    if (sb.device() != null) {
      sb.device().flush();
    }
  }

  /**
   * {@code vfs_fsync_range}: writes back and waits for the pages of {@code [start, end]}, then
   * the filesystem's {@link #fsync}. What {@code fsync(2)} and {@code msync(MS_SYNC)} both call.
   */
  public final void fsyncRange(Task task, long start, long end, boolean datasync) {
    if (!isDirectory()) {
      sb.machine().pageCache().writeAndWait(task, mapping(), start, end);
    }
    fsync(task, start, end, datasync);
  }

  /** {@code fiemap} of {@code [start, start+len)}, after a sync if the caller asked for it. */
  public List<FiemapExtent> fiemap(Task task, long start, long len) {
    throw Errno.EOPNOTSUPP.exception("fiemap");
  }

  /**
   * {@code SEEK_DATA}: the first data offset at or after {@code offset}. The default treats the
   * whole file as data, as {@code generic_file_llseek} does. Throws ENXIO at or past EOF.
   */
  public long seekData(Task task, long offset) {
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    return offset;
  }

  /** {@code SEEK_HOLE}: the first hole at or after {@code offset} (EOF counts as a hole). */
  public long seekHole(Task task, long offset) {
    if (offset >= size) {
      throw Errno.ENXIO.exception();
    }
    return size;
  }

  /** Shares {@code len} bytes of {@code src} at {@code srcOff} into this file at {@code dstOff}. */
  public void remapRange(Task task, Inode src, long srcOff, long dstOff, long len) {
    throw Errno.EOPNOTSUPP.exception("reflink");
  }

  /** Called when a file description of this inode is opened. */
  public void open(Task task, OpenFile file) {}

  /** Called on the last close of a file description ({@code ->release}). */
  public void release(Task task, OpenFile file) {}

  /** The inode has no links and no users: free its blocks ({@code evict_inode}). */
  public void evict(Task task) {}

  @Override
  public String toString() {
    return sb.type().name() + " ino " + ino;
  }
}
