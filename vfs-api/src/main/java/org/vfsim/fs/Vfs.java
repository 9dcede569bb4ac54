package org.vfsim.fs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.PageCache;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;
import org.vfsim.write.IovIter;

/**
 * The virtual filesystem switch: the mount table, open files and their release, and every file
 * operation's generic half (argument checks with the kernel's errno, the inode lock, the page
 * cache) before it calls into the filesystem. The path walk and the namespace operations
 * (mkdir, rmdir, unlink, rename, readdir) are {@link Namei}'s, as in the kernel's namei.c.
 */
public final class Vfs {
  /** {@code FIEMAP_FLAG_SYNC}: write back dirty data before mapping. */
  public static final int FIEMAP_FLAG_SYNC = 1;

  private final Machine machine;
  private final Map<String, Mount> mounts = new LinkedHashMap<>();
  private final Namei namei = new Namei(this);

  /** A mounted filesystem and where it is attached. */
  public record Mount(String path, SuperBlock sb, @Nullable Inode mountpoint) {}

  public Vfs(Machine machine) {
    this.machine = machine;
  }

  // ---- mounts --------------------------------------------------------------------------------

  /** Attaches an already made superblock at {@code path} (the root mount uses "/"). */
  public synchronized void attach(String path, SuperBlock sb) {
    String p = Namei.normalize(path);
    if (mounts.containsKey(p)) {
      throw Errno.EBUSY.exception(p + " is already a mount point");
    }
    Inode point = null;
    if (!p.equals("/")) {
      point = resolve(p);
      if (!point.isDirectory()) {
        throw Errno.ENOTDIR.exception(p);
      }
    }
    mounts.put(p, new Mount(p, sb, point));
  }

  /** Mounts {@code type} from {@code device} at {@code path}. */
  public SuperBlock mount(Task task, FileSystemType type, @Nullable BlockDevice device,
      String options, String path) {
    if (type.has(Capability.BLOCK_DEVICE) && device == null) {
      throw Errno.ENODEV.exception(type.name() + " needs a block device");
    }
    MountOptions opts = MountOptions.parse(options, type.mountOptions());
    SuperBlock sb = type.mount(new MountContext(machine, type, device, opts));
    attach(path, sb);
    return sb;
  }

  /** Syncs and detaches the filesystem at {@code path}; EBUSY while files on it are open. */
  public void umount(Task task, String path) {
    Mount m;
    synchronized (this) {
      m = mounts.get(Namei.normalize(path));
      if (m == null || m.path().equals("/")) {
        throw Errno.EINVAL.exception(path + " is not a mount point");
      }
      for (Mount other : mounts.values()) {
        if (other != m && other.path().startsWith(m.path() + "/")) {
          throw Errno.EBUSY.exception("mount below " + path);
        }
      }
      if (openFilesOn(m.sb()) > 0) {
        throw Errno.EBUSY.exception("files open on " + path);
      }
    }
    syncFs(task, m.sb());
    m.sb().unmount(task);
    synchronized (this) {
      mounts.remove(m.path());
    }
  }

  private final Map<SuperBlock, Integer> openCounts = new java.util.IdentityHashMap<>();

  private synchronized int openFilesOn(SuperBlock sb) {
    return openCounts.getOrDefault(sb, 0);
  }

  public synchronized List<Mount> mounts() {
    return List.copyOf(mounts.values());
  }

  /** Replaces the superblock of a mount after a power cut and remount. */
  public synchronized void replace(Mount m, SuperBlock fresh) {
    mounts.put(m.path(), new Mount(m.path(), fresh, m.mountpoint()));
    openCounts.remove(m.sb());
  }

  /** Forgets every open file (all processes died in a power cut). */
  public synchronized void forgetOpenFiles() {
    openCounts.clear();
  }

  // ---- path walk (Namei) --------------------------------------------------------------------

  synchronized Inode rootOfMountAt(String p, Inode dflt) {
    Mount m = mounts.get(p);
    if (m == null) {
      return dflt;
    }
    Inode root = m.sb().root();
    if (root == null) {
      // A filesystem whose metadata lost its root (a damaged or crafted image): the walk
      // reports it as the filesystem's corruption, not as a crash of the VFS.
      throw Errno.EUCLEAN.exception(m.sb().type().name() + " at " + p + " has no root inode");
    }
    return root;
  }

  /** Resolves an absolute path to its inode, crossing mount points. */
  public Inode resolve(String path) {
    return namei.resolve(path);
  }

  /** The directory that would hold {@code path}'s last component, and that component. */
  public record Parent(Inode dir, String name, String path) {}

  public Parent resolveParent(String path) {
    return namei.resolveParent(path);
  }

  /** Whether a filesystem is mounted at the normalized path {@code p}. */
  synchronized boolean isMountPoint(String p) {
    return mounts.containsKey(p);
  }

  // ---- open and close ------------------------------------------------------------------------

  /** {@code open(2)}. */
  public OpenFile open(Task task, String path, int flags, int mode) {
    int acc = flags & Fcntl.O_ACCMODE;
    if (acc == Fcntl.O_ACCMODE) {
      throw Errno.EINVAL.exception("O_ACCMODE");
    }
    boolean wantWrite = acc != Fcntl.O_RDONLY;
    Inode inode;
    String normalized = Namei.normalize(path); // ENAMETOOLONG and ENOENT before anything else
    boolean mustBeDir = Namei.endsInDirectory(path);
    if ((flags & Fcntl.O_CREAT) != 0) {
      if (mustBeDir || normalized.equals("/")) {
        // open_last_lookups(): O_CREAT on "dir/", ".", ".." or "/" is EISDIR.
        throw Errno.EISDIR.exception(path);
      }
      Parent parent = resolveParent(path);
      Inode dir = parent.dir();
      dir.rwsem().lock(task);
      try {
        Inode existing = dir.lookup(parent.name());
        if (existing != null) {
          if ((flags & Fcntl.O_EXCL) != 0) {
            throw Errno.EEXIST.exception(parent.path());
          }
          inode = rootOfMountAt(parent.path(), existing);
        } else {
          Namei.checkPermission(task, dir, false, true);
          inode = dir.create(task, parent.name(), mode);
          inode.setOwner(task.credentials().uid(), task.credentials().gid());
          dir.touchTimes(true);
        }
      } finally {
        dir.rwsem().unlock(task);
      }
    } else {
      inode = resolve(path);
    }
    if (inode.isDirectory()) {
      if (wantWrite || (flags & Fcntl.O_TRUNC) != 0) {
        throw Errno.EISDIR.exception(path);
      }
    } else if ((flags & Fcntl.O_DIRECTORY) != 0 || mustBeDir) {
      // A trailing slash makes the lookup LOOKUP_DIRECTORY: "file/" is ENOTDIR.
      throw Errno.ENOTDIR.exception(path);
    }
    Namei.checkPermission(task, inode, acc != Fcntl.O_WRONLY, wantWrite);
    if ((flags & Fcntl.O_TRUNC) != 0 && wantWrite && inode.size() > 0) {
      truncate(task, inode, 0);
    }
    OpenFile file = new OpenFile(this, inode, Namei.normalize(path), flags);
    synchronized (inode) {
      inode.users++;
    }
    synchronized (this) {
      openCounts.merge(inode.superBlock(), 1, Integer::sum);
    }
    inode.open(task, file);
    return file;
  }

  /** The last reference to {@code file} went away: {@code ->release}, then maybe evict. */
  void release(Task task, OpenFile file) {
    Inode inode = file.inode();
    inode.release(task, file);
    synchronized (this) {
      openCounts.merge(inode.superBlock(), -1, Integer::sum);
    }
    iput(task, inode, -1);
  }

  /** Drops a user of {@code inode}; evicts it when it has no links and no users. */
  void iput(Task task, Inode inode, int delta) {
    boolean evict;
    synchronized (inode) {
      inode.users += delta;
      evict = inode.users == 0 && inode.nlink() == 0 && !inode.evicted;
      inode.evicted |= evict;
    }
    if (evict) {
      inode.checkNotInUse(task);
      machine.pageCache().truncatePagecache(task, inode.mapping(), 0);
      inode.evict(task);
    }
  }

  // ---- read ----------------------------------------------------------------------------------

  /**
   * {@code filemap_read}: copies from the page cache, reading pages in with {@code read_folio}
   * as needed, up to EOF. The copy to user memory happens with no page lock held, so it may
   * fault. Returns bytes read (short at EOF, or at an unmapped destination after progress).
   */
  public long read(Task task, OpenFile file, IovIter to, long pos, boolean positional) {
    try (InodeUse use = file.inode().use(task, "vfs_read")) {
      return doRead(task, file, to, pos, positional);
    }
  }

  private long doRead(Task task, OpenFile file, IovIter to, long pos, boolean positional) {
    if (!file.readable()) {
      throw Errno.EBADF.exception("file not open for reading");
    }
    Inode inode = file.inode();
    if (inode.isDirectory()) {
      throw Errno.EISDIR.exception();
    }
    long at = positional ? pos : file.pos();
    if (at < 0) {
      throw Errno.EINVAL.exception("negative offset");
    }
    PageCache cache = machine.pageCache();
    long done = 0;
    while (to.count() > 0) {
      long size = inode.size();
      if (at >= size) {
        break;
      }
      long index = at >>> Folio.SHIFT;
      Folio folio = cache.readFolio(task, inode.mapping(), index);
      size = inode.size(); // i_size may have shrunk while we read the page
      int off = (int) (at & (Folio.SIZE - 1));
      int n = (int) Math.min(Math.min(Folio.SIZE - off, to.count()), size - at);
      if (n <= 0) {
        break;
      }
      int copied = to.copyToIter(task, folio.data(), off, n);
      done += copied;
      at += copied;
      if (copied < n) {
        if (done == 0) {
          throw Errno.EFAULT.exception("destination not writable");
        }
        break;
      }
    }
    inode.touchTimes(false);
    if (!positional) {
      file.setPos(at);
    }
    return done;
  }

  // ---- size and space ------------------------------------------------------------------------

  /** {@code do_truncate}: checks, then the filesystem's {@code setattr} under {@code i_rwsem}. */
  public void truncate(Task task, Inode inode, long length) {
    try (InodeUse use = inode.use(task, "do_truncate")) {
      doTruncate(task, inode, length);
    }
  }

  private void doTruncate(Task task, Inode inode, long length) {
    if (length < 0) {
      throw Errno.EINVAL.exception("negative length");
    }
    if (inode.isDirectory()) {
      throw Errno.EISDIR.exception();
    }
    if (length > inode.superBlock().maxBytes()) {
      throw Errno.EFBIG.exception("length past s_maxbytes");
    }
    inode.rwsem().lock(task);
    try {
      inode.setattrSize(task, length);
      inode.touchTimes(true);
    } finally {
      inode.rwsem().unlock(task);
    }
  }

  /**
   * {@code truncate(2)} by path: the path walk's reference to the inode ({@code path_put} at
   * the end) keeps a concurrently unlinked inode from being evicted under the truncate.
   */
  public void truncatePath(Task task, String path, long length) {
    Inode inode = resolveHeld(path);
    try {
      truncate(task, inode, length);
    } finally {
      iput(task, inode, -1);
    }
  }

  /**
   * Resolves {@code path} and takes a user of the inode ({@code ihold}); an inode evicted
   * between the lookup and the hold was unlinked meanwhile: ENOENT, as a later walk would say.
   */
  private Inode resolveHeld(String path) {
    Inode inode = resolve(path);
    synchronized (inode) {
      if (inode.evicted) {
        throw Errno.ENOENT.exception(path);
      }
      inode.users++;
    }
    return inode;
  }

  /** {@code vfs_fallocate}: validates the mode and range as the kernel does. */
  public void fallocate(Task task, OpenFile file, int mode, long offset, long len) {
    try (InodeUse use = file.inode().use(task, "vfs_fallocate")) {
      doFallocate(task, file, mode, offset, len);
    }
  }

  private void doFallocate(Task task, OpenFile file, int mode, long offset, long len) {
    int known = FallocMode.KEEP_SIZE | FallocMode.PUNCH_HOLE | FallocMode.ZERO_RANGE
        | FallocMode.COLLAPSE_RANGE | FallocMode.INSERT_RANGE | FallocMode.UNSHARE_RANGE;
    if (offset < 0 || len <= 0) {
      throw Errno.EINVAL.exception("offset or length");
    }
    if ((mode & ~known) != 0) {
      throw Errno.EOPNOTSUPP.exception("unknown mode bits");
    }
    if ((mode & FallocMode.PUNCH_HOLE) != 0 && (mode & FallocMode.KEEP_SIZE) == 0) {
      throw Errno.EOPNOTSUPP.exception("PUNCH_HOLE needs KEEP_SIZE");
    }
    if ((mode & FallocMode.PUNCH_HOLE) != 0 && (mode & FallocMode.ZERO_RANGE) != 0) {
      throw Errno.EOPNOTSUPP.exception("PUNCH_HOLE with ZERO_RANGE");
    }
    if (!file.writable()) {
      throw Errno.EBADF.exception("file not open for writing");
    }
    Inode inode = file.inode();
    if (inode.isDirectory()) {
      throw Errno.EISDIR.exception();
    }
    if (offset + len < 0 || offset + len > inode.superBlock().maxBytes()) {
      throw Errno.EFBIG.exception("range past s_maxbytes");
    }
    FileSystemType type = inode.superBlock().type();
    if ((mode & FallocMode.PUNCH_HOLE) != 0 ? !type.has(Capability.PUNCH_HOLE)
        : (mode & FallocMode.ZERO_RANGE) != 0 ? !type.has(Capability.ZERO_RANGE)
        : !type.has(Capability.FALLOCATE)) {
      throw Errno.EOPNOTSUPP.exception("fallocate mode " + mode + " on " + type.name());
    }
    inode.rwsem().lock(task);
    try {
      inode.fallocate(task, mode, offset, len);
      inode.touchTimes(true);
    } finally {
      inode.rwsem().unlock(task);
    }
  }

  /** {@code vfs_fsync_range}: write back and wait, then the filesystem's fsync. */
  public void fsync(Task task, OpenFile file, boolean datasync) {
    try (InodeUse use = file.inode().use(task, "vfs_fsync")) {
      file.inode().fsyncRange(task, 0, Long.MAX_VALUE, datasync);
    }
  }

  /** {@code sync(2)}: every dirty page of every filesystem, then each {@code sync_fs}. */
  public void sync(Task task) {
    machine.pageCache().syncAll(task);
    for (Mount m : mounts()) {
      m.sb().syncFs(task);
    }
  }

  /** Writes back one filesystem's dirty files and commits it ({@code sync_filesystem}). */
  public void syncFs(Task task, SuperBlock sb) {
    machine.pageCache().syncAll(task);
    sb.syncFs(task);
  }

  /** {@code lseek(2)} including {@code SEEK_DATA} and {@code SEEK_HOLE}. */
  public long lseek(Task task, OpenFile file, long offset, int whence) {
    try (InodeUse use = file.inode().use(task, "vfs_llseek")) {
      return doLseek(task, file, offset, whence);
    }
  }

  private long doLseek(Task task, OpenFile file, long offset, int whence) {
    Inode inode = file.inode();
    long result = switch (whence) {
      case Fcntl.SEEK_SET -> offset;
      case Fcntl.SEEK_CUR -> file.pos() + offset;
      case Fcntl.SEEK_END -> inode.size() + offset;
      case Fcntl.SEEK_DATA -> {
        if (offset < 0) {
          throw Errno.ENXIO.exception();
        }
        yield inode.seekData(task, offset);
      }
      case Fcntl.SEEK_HOLE -> {
        if (offset < 0) {
          throw Errno.ENXIO.exception();
        }
        yield inode.seekHole(task, offset);
      }
      default -> throw Errno.EINVAL.exception("whence " + whence);
    };
    if (result < 0) {
      throw Errno.EINVAL.exception("resulting offset is negative");
    }
    file.setPos(result);
    return result;
  }

  /** {@code FS_IOC_FIEMAP}; with {@link #FIEMAP_FLAG_SYNC} the range is written back first. */
  public List<FiemapExtent> fiemap(Task task, Inode inode, long start, long len, int flags) {
    try (InodeUse use = inode.use(task, "ioctl_fiemap")) {
      return doFiemap(task, inode, start, len, flags);
    }
  }

  private List<FiemapExtent> doFiemap(Task task, Inode inode, long start, long len, int flags) {
    if (start < 0 || len < 0) {
      throw Errno.EINVAL.exception("fiemap range");
    }
    if ((flags & FIEMAP_FLAG_SYNC) != 0 && !inode.isDirectory()) {
      machine.pageCache().writeAndWait(task, inode.mapping(), 0, Long.MAX_VALUE);
    }
    return inode.fiemap(task, start, len == 0 ? Long.MAX_VALUE - start : len);
  }

  /** {@code FICLONERANGE}: both files on one filesystem, dst writable, src readable. */
  public void remapRange(Task task, OpenFile src, long srcOff, OpenFile dst, long dstOff,
      long len) {
    try (InodeUse a = src.inode().use(task, "vfs_clone_file_range");
        InodeUse b = dst.inode().use(task, "vfs_clone_file_range")) {
      doRemapRange(task, src, srcOff, dst, dstOff, len);
    }
  }

  private void doRemapRange(Task task, OpenFile src, long srcOff, OpenFile dst, long dstOff,
      long len) {
    if (!src.readable() || !dst.writable()) {
      throw Errno.EBADF.exception("reflink access mode");
    }
    if (src.inode().superBlock() != dst.inode().superBlock()) {
      throw Errno.EXDEV.exception("reflink across filesystems");
    }
    if (src.inode().isDirectory() || dst.inode().isDirectory()) {
      throw Errno.EISDIR.exception();
    }
    if (srcOff < 0 || dstOff < 0 || len < 0) {
      throw Errno.EINVAL.exception("reflink range");
    }
    if (!dst.inode().superBlock().type().has(Capability.REFLINK)) {
      throw Errno.EOPNOTSUPP.exception("reflink");
    }
    Inode a = src.inode();
    Inode b = dst.inode();
    Inode first = a.ino() <= b.ino() ? a : b;
    Inode second = first == a ? b : a;
    first.rwsem().lock(task);
    if (second != first) {
      second.rwsem().lock(task);
    }
    try {
      machine.pageCache().writeAndWait(task, a.mapping(), 0, Long.MAX_VALUE);
      machine.pageCache().writeAndWait(task, b.mapping(), 0, Long.MAX_VALUE);
      b.remapRange(task, a, srcOff, dstOff, len);
      b.touchTimes(true);
    } finally {
      if (second != first) {
        second.rwsem().unlock(task);
      }
      first.rwsem().unlock(task);
    }
  }

  // ---- namespace (Namei) --------------------------------------------------------------------

  public void mkdir(Task task, String path, int mode) {
    namei.mkdir(task, path, mode);
  }

  public void rmdir(Task task, String path) {
    namei.rmdir(task, path);
  }

  public void unlink(Task task, String path) {
    namei.unlink(task, path);
  }

  public void rename(Task task, String from, String to) {
    namei.rename(task, from, to);
  }

  public List<DirEntry> readdir(Task task, String path) {
    return namei.readdir(task, path);
  }

  public StatFs statfs(String path) {
    return resolve(path).superBlock().statfs();
  }

  public Machine machine() {
    return machine;
  }
}
