package org.vfsim.fuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.DiskModel;
import org.vfsim.fs.Capability;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.Inode;
import org.vfsim.fs.OpenFile;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.SuperBlock;
import org.vfsim.fs.Vfs;
import org.vfsim.kernel.Credentials;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.write.IovIter;
import org.vfsim.write.VfsWrite;

/**
 * The FUSE requests as system calls of the simulated machine: each runs as a task of a simulated
 * process standing for the host process that made it, through the same {@link Vfs} entry points
 * {@code vfsim io} uses, so the page cache, the write path, writeback and the lock validator see
 * what they see there. Errors are thrown as the plugin's {@link ErrnoException}. One request at a
 * time (the caller serialises them): the machine's clock and its timers are not re-entrant.
 */
final class SimulatedFs {
  /** Open flags passed on to the simulated open; the rest (O_DIRECT, O_NOATIME...) are dropped. */
  private static final int OPEN_FLAGS = Fcntl.O_ACCMODE | Fcntl.O_CREAT | Fcntl.O_EXCL
      | Fcntl.O_TRUNC | Fcntl.O_APPEND | Fcntl.O_SYNC | Fcntl.O_DSYNC
      | Fcntl.O_DIRECTORY;
  /** The cost of one request to the simulated clock, as {@code vfsim io} charges a system call. */
  private static final long REQUEST_NANOS = 1_000;
  private static final int MAX_PROCESSES = 64;

  private final Machine machine;
  private final Vfs vfs;
  private final String root;
  private final Handles handles = new Handles();
  private final ControlDir control = new ControlDir(this);
  private final DiskModel.Timer deviceTime = DiskModel.SSD.timer();
  /** Host pid to the simulated process standing for it, least recently used first. */
  private final Map<Integer, Task> tasks = new LinkedHashMap<>(16, 0.75f, true);
  private Task task;
  private byte[] scratch = new byte[1 << 20];
  private long requests;
  private long powerCuts;

  /** Serves the filesystem mounted at {@code root} in {@code machine}'s VFS. */
  SimulatedFs(Machine machine, String root) {
    this.machine = machine;
    this.vfs = machine.vfs();
    this.root = root.equals("/") ? "" : root;
    this.task = machine.kernelTask();
    BlockDevice dev = superBlock().device();
    if (dev != null) {
      dev.addListener(deviceTime);
    }
  }

  Machine machine() {
    return machine;
  }

  /** The mounted superblock (a power cut replaces it, so ask each time). */
  SuperBlock superBlock() {
    String at = root.isEmpty() ? "/" : root;
    for (Vfs.Mount m : vfs.mounts()) {
      if (m.path().equals(at)) {
        return m.sb();
      }
    }
    throw Errno.ENODEV.exception("nothing mounted at " + at);
  }

  ControlDir control() {
    return control;
  }

  long requests() {
    return requests;
  }

  long powerCuts() {
    return powerCuts;
  }

  long openHandles() {
    return handles.size();
  }

  /** Requests served, by operation. */
  private final Map<String, long[]> perOp = new java.util.TreeMap<>();

  Map<String, long[]> requestsByOperation() {
    return perOp;
  }

  /** Starts request {@code op} of host process {@code pid}: its simulated task becomes current. */
  Task begin(String op, int pid, int uid, int gid) {
    requests++;
    perOp.computeIfAbsent(op, k -> new long[1])[0]++;
    Task t = tasks.get(pid);
    if (t == null || !t.credentials().equals(new Credentials(uid, gid))) {
      if (tasks.size() >= MAX_PROCESSES) {
        Integer eldest = tasks.keySet().iterator().next();
        tasks.remove(eldest);
      }
      t = machine.spawn("host-" + pid, new Credentials(uid, gid)).mainTask();
      tasks.put(pid, t);
    }
    task = t;
    return t;
  }

  /** The task of the request being served. */
  Task task() {
    return task;
  }

  /** Ends a request: charges its cost (one system call plus its device time) to the clock. */
  void end() {
    long device = deviceTime.readNanos() + deviceTime.writeNanos();
    deviceTime.reset();
    machine.clock().advanceNanos(REQUEST_NANOS + device);
  }

  private String sim(@Nullable String path) {
    if (path == null) {
      throw Errno.ENOENT.exception("no path");
    }
    return path.equals("/") ? (root.isEmpty() ? "/" : root) : root + path;
  }

  private Inode inode(@Nullable String path, long fh) {
    return fh > 0 && !ControlDir.isHandle(fh) ? handles.get(fh).inode() : vfs.resolve(sim(path));
  }

  private static void refuseControl(@Nullable String path) {
    if (ControlDir.owns(path)) {
      throw Errno.EPERM.exception(path + " is vfsim's control directory");
    }
  }

  // ---- attributes ----------------------------------------------------------------------------

  Stat getattr(@Nullable String path, long fh) {
    if (ControlDir.owns(path)) {
      return control.stat(path, superBlock().root().ino());
    }
    return inode(path, fh).stat();
  }

  void chmod(@Nullable String path, int mode, long fh) {
    refuseControl(path);
    Inode i = inode(path, fh);
    i.rwsem().lock(task);
    try {
      i.setMode(mode);
    } finally {
      i.rwsem().unlock(task);
    }
  }

  void chown(@Nullable String path, int uid, int gid, long fh) {
    refuseControl(path);
    Inode i = inode(path, fh);
    i.rwsem().lock(task);
    try {
      // -1 leaves the id as it is (chown(2)).
      i.setOwner(uid == -1 ? i.uid() : uid, gid == -1 ? i.gid() : gid);
      i.touchCtime();
    } finally {
      i.rwsem().unlock(task);
    }
  }

  void truncate(@Nullable String path, long size, long fh) {
    refuseControl(path);
    vfs.truncate(task, inode(path, fh), size);
  }

  /** Times in nanoseconds since the epoch; -1 omits one, -2 means now. */
  void utimens(@Nullable String path, long atime, long mtime, long fh) {
    refuseControl(path);
    Inode i = inode(path, fh);
    i.rwsem().lock(task);
    try {
      long now = i.now();
      i.setTimes(atime == -2 ? now : atime, mtime == -2 ? now : mtime);
    } finally {
      i.rwsem().unlock(task);
    }
  }

  StatFs statfs(@Nullable String path) {
    return vfs.statfs(sim(ControlDir.owns(path) ? "/" : path));
  }

  // ---- namespace -----------------------------------------------------------------------------

  void mkdir(String path, int mode) {
    if (ControlDir.owns(path)) {
      throw Errno.EEXIST.exception(path);
    }
    vfs.mkdir(task, sim(path), mode & 07777);
  }

  void rmdir(String path) {
    refuseControl(path);
    vfs.rmdir(task, sim(path));
  }

  void unlink(String path) {
    refuseControl(path);
    vfs.unlink(task, sim(path));
  }

  /** {@code renameat2}: vfsim's VFS has no RENAME_NOREPLACE/EXCHANGE/WHITEOUT, so EINVAL. */
  void rename(String from, String to, int flags) {
    refuseControl(from);
    refuseControl(to);
    if (flags != 0) {
      throw Errno.EINVAL.exception("rename flags " + flags);
    }
    vfs.rename(task, sim(from), sim(to));
  }

  /** Names in a directory, "." and ".." first; the control directory is not listed. */
  List<String> readdir(@Nullable String path, long fh) {
    List<String> names = new ArrayList<>(List.of(".", ".."));
    if (ControlDir.owns(path)) {
      names.addAll(control.list());
      return names;
    }
    String p = path != null ? path : handles.get(fh).path();
    String at = path != null ? sim(path) : p;
    for (DirEntry e : vfs.readdir(task, at)) {
      if (!e.name().equals(".") && !e.name().equals("..")) {
        names.add(e.name());
      }
    }
    return names;
  }

  // ---- open files ----------------------------------------------------------------------------

  long open(String path, int flags) {
    if (ControlDir.owns(path)) {
      return control.open(path, flags);
    }
    OpenFile f = vfs.open(task, sim(path), flags & OPEN_FLAGS, 0);
    return handles.add(f, flags & OPEN_FLAGS);
  }

  long create(String path, int mode, int flags) {
    refuseControl(path);
    int fl = (flags & OPEN_FLAGS) | Fcntl.O_CREAT;
    OpenFile f = vfs.open(task, sim(path), fl, mode & 07777);
    return handles.add(f, fl & ~(Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_TRUNC));
  }

  long opendir(String path) {
    if (ControlDir.owns(path)) {
      return 0;
    }
    OpenFile f = vfs.open(task, sim(path), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
    return handles.add(f, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY);
  }

  void release(long fh) {
    if (ControlDir.isHandle(fh)) {
      control.release(fh);
    } else if (fh > 0) {
      handles.release(task, fh);
    }
  }

  private byte[] scratch(long size) {
    if (size > scratch.length) {
      scratch = new byte[(int) Math.min(Integer.MAX_VALUE - 8, size)];
    }
    return scratch;
  }

  /** Reads up to {@code size} bytes at {@code off} into {@link #buffer()}; returns the count. */
  int read(long fh, long size, long off) {
    if (ControlDir.isHandle(fh)) {
      byte[] all = control.read(fh);
      int n = (int) Math.max(0, Math.min(size, all.length - Math.min(off, all.length)));
      System.arraycopy(all, (int) Math.min(off, all.length), scratch(n), 0, n);
      return n;
    }
    byte[] buf = scratch(size);
    return (int) vfs.read(task, handles.get(fh), IovIter.kernel(buf, 0, (int) size), off, true);
  }

  /** The buffer {@link #read} filled and {@link #write} takes its data from. */
  byte[] buffer(long size) {
    return scratch(size);
  }

  /** Writes {@code size} bytes of {@link #buffer} at {@code off}. */
  int write(long fh, long size, long off) {
    if (ControlDir.isHandle(fh)) {
      control.write(fh);
      return (int) size;
    }
    return (int) VfsWrite.write(task, handles.get(fh), IovIter.kernel(scratch, 0, (int) size),
        off, true);
  }

  void fsync(long fh, boolean datasync) {
    if (fh > 0 && !ControlDir.isHandle(fh)) {
      vfs.fsync(task, handles.get(fh), datasync);
    }
  }

  void fallocate(long fh, int mode, long off, long len) {
    vfs.fallocate(task, handles.get(fh), mode, off, len);
  }

  long lseek(long fh, long off, int whence) {
    return vfs.lseek(task, handles.get(fh), off, whence);
  }

  /**
   * {@code copy_file_range}: shares the extents ({@code FICLONERANGE}) where the plugin can
   * reflink the range, otherwise copies through the page cache, as the kernel falls back to a
   * splice copy.
   */
  long copyFileRange(long fhIn, long offIn, long fhOut, long offOut, long size, int flags) {
    if (flags != 0) {
      throw Errno.EINVAL.exception("copy_file_range flags " + flags);
    }
    OpenFile in = handles.get(fhIn);
    OpenFile out = handles.get(fhOut);
    long len = Math.min(size, in.inode().size() - offIn);
    if (len <= 0) {
      return 0;
    }
    if (in.inode().superBlock().type().has(Capability.REFLINK) && in.inode() != out.inode()) {
      try {
        vfs.remapRange(task, in, offIn, out, offOut, len);
        return len;
      } catch (ErrnoException e) {
        if (e.errno() != Errno.EINVAL && e.errno() != Errno.EOPNOTSUPP) {
          throw e;
        }
      }
    }
    long done = 0;
    while (done < len) {
      int chunk = (int) Math.min(len - done, 1 << 20);
      byte[] buf = scratch(chunk);
      int n = (int) vfs.read(task, in, IovIter.kernel(buf, 0, chunk), offIn + done, true);
      if (n <= 0) {
        break;
      }
      int w = (int) VfsWrite.write(task, out, IovIter.kernel(buf, 0, n), offOut + done, true);
      done += w;
      if (w < n) {
        break;
      }
    }
    return done;
  }

  // ---- the machine ---------------------------------------------------------------------------

  /**
   * A power cut under the running programs: the machine loses its page cache and volatile
   * write caches and remounts from the device; the host's open files are reopened by path.
   */
  void powerCut() {
    machine.powerCut();
    powerCuts++;
    tasks.clear();
    Task k = machine.kernelTask();
    task = k;
    handles.reopenAll(r -> {
      try {
        return vfs.open(k, r.path(),
            r.flags() & ~(Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_TRUNC), 0);
      } catch (ErrnoException e) {
        return null;
      }
    });
  }

  void sync() {
    vfs.sync(task);
  }

  /** At unmount: every handle the host left open is released. */
  void releaseAll() {
    handles.releaseAll(machine.kernelTask());
  }
}
