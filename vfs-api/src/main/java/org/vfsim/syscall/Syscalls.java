package org.vfsim.syscall;

import java.util.List;
import java.util.function.Supplier;
import org.vfsim.Machine;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileTable;
import org.vfsim.fs.Inode;
import org.vfsim.fs.OpenFile;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.Vfs;
import org.vfsim.kernel.Task;
import org.vfsim.mm.Mm;
import org.vfsim.write.IovIter;
import org.vfsim.write.VfsWrite;

/**
 * The system calls of one task. Buffers are addresses in the task's user memory, as in the
 * kernel, so every copy goes through page faults and {@code mmap_lock}; the {@code ...Bytes}
 * conveniences copy a Java array through a kernel buffer instead, for workloads that do not
 * study user memory. Errors are thrown as {@link ErrnoException}. On return to "user space"
 * the lock validator checks that the task holds no lock.
 */
public final class Syscalls {
  private final Machine machine;
  private final Task task;
  private final Vfs vfs;
  private final FileTable files;
  private final Mm mm;
  /** Files taken by {@link #fdget} in the calls in progress, put when each returns. */
  private final java.util.ArrayList<OpenFile> borrowed = new java.util.ArrayList<>();

  public Syscalls(Machine machine, Task task) {
    this.machine = machine;
    this.task = task;
    this.vfs = machine.vfs();
    this.files = task.process().files();
    this.mm = task.process().mm();
  }

  public Task task() {
    return task;
  }

  public Machine machine() {
    return machine;
  }

  /**
   * One system call: the body, then {@code fdput} of every file it took with {@link #fdget},
   * then the task work (a deferred last {@code fput}: {@code ->release}, eviction), then the
   * lock validator's return-to-user check, in the kernel's order.
   */
  private <T> T call(String name, Supplier<T> body) {
    checkAlive(name);
    int mark = borrowed.size();
    task.enterSyscall();
    T result = null;
    Throwable failure = null;
    try {
      result = body.get();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    try {
      while (borrowed.size() > mark) {
        borrowed.remove(borrowed.size() - 1).put(task);
      }
    } catch (RuntimeException | Error e) {
      failure = chain(failure, e);
    }
    try {
      task.exitSyscall();
    } catch (RuntimeException | Error e) {
      failure = chain(failure, e);
    }
    if (failure != null) {
      // The error that ended the call is the cause: a lock it left held is still reported and
      // recorded, but must not replace it (lockdep prints the first splat first, too).
      try {
        machine.lockValidator().checkReturnToUser(task, name);
      } catch (org.vfsim.lockdep.LockdepViolation held) {
        failure.addSuppressed(held);
      }
      if (failure instanceof Error err) {
        throw err;
      }
      throw (RuntimeException) failure;
    }
    machine.lockValidator().checkReturnToUser(task, name);
    return result;
  }

  /**
   * A process that died at a power cut makes no more system calls: in the kernel it would not
   * exist after the reboot. Failing with ESRCH (not EIO, which a filesystem returns for a
   * device error, nor ESTALE) keeps this a usage error a caller cannot mistake for a filesystem
   * result, and stops the old descriptors from reaching the dead mount's inodes and pages.
   */
  private void checkAlive(String name) {
    if (task.process().isDead()) {
      throw Errno.ESRCH.exception(name + ": process " + task.process().pid() + " ("
          + task.process().name() + ") died at the power cut; spawn a new one");
    }
  }

  private static Throwable chain(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * {@code fdget}: the open file behind {@code fd}, held until the system call returns, so that
   * a {@code close} of {@code fd} by another thread of the process cannot release the file (and
   * evict an unlinked inode) while this call still uses it.
   */
  private OpenFile fdget(int fd) {
    OpenFile f = files.getRef(fd);
    borrowed.add(f);
    return f;
  }

  private void run(String name, Runnable body) {
    call(name, () -> {
      body.run();
      return null;
    });
  }

  /** The open file behind {@code fd} (for tools that need the inode). */
  public OpenFile file(int fd) {
    checkAlive("fdget");
    return files.get(fd);
  }

  // ---- files ---------------------------------------------------------------------------------

  public int open(String path, int flags, int mode) {
    return call("open", () -> files.install(vfs.open(task, path, flags, mode)));
  }

  public int open(String path, int flags) {
    return open(path, flags, 0644);
  }

  /** {@code creat(2)}: {@code O_CREAT|O_WRONLY|O_TRUNC}. */
  public int creat(String path, int mode) {
    return open(path, Fcntl.O_CREAT | Fcntl.O_WRONLY | Fcntl.O_TRUNC, mode);
  }

  public void close(int fd) {
    run("close", () -> files.close(task, fd));
  }

  /** {@code dup(2)}. */
  public int dup(int fd) {
    return call("dup", () -> {
      OpenFile f = fdget(fd).get(); // the new descriptor's own reference
      try {
        return files.install(f);
      } catch (RuntimeException e) {
        f.put(task);
        throw e;
      }
    });
  }

  public long read(int fd, long buf, long count) {
    return call("read",
        () -> vfs.read(task, fdget(fd), IovIter.user(mm, buf, count), 0, false));
  }

  public long pread(int fd, long buf, long count, long pos) {
    return call("pread64",
        () -> vfs.read(task, fdget(fd), IovIter.user(mm, buf, count), pos, true));
  }

  public long readv(int fd, long[] bufs, long[] lens) {
    return call("readv",
        () -> vfs.read(task, fdget(fd), IovIter.user(mm, bufs, lens), 0, false));
  }

  public long preadv(int fd, long[] bufs, long[] lens, long pos) {
    return call("preadv",
        () -> vfs.read(task, fdget(fd), IovIter.user(mm, bufs, lens), pos, true));
  }

  public long write(int fd, long buf, long count) {
    return call("write",
        () -> VfsWrite.write(task, fdget(fd), IovIter.user(mm, buf, count), 0, false));
  }

  public long pwrite(int fd, long buf, long count, long pos) {
    return call("pwrite64",
        () -> VfsWrite.write(task, fdget(fd), IovIter.user(mm, buf, count), pos, true));
  }

  public long writev(int fd, long[] bufs, long[] lens) {
    return call("writev",
        () -> VfsWrite.write(task, fdget(fd), IovIter.user(mm, bufs, lens), 0, false));
  }

  public long pwritev(int fd, long[] bufs, long[] lens, long pos) {
    return call("pwritev",
        () -> VfsWrite.write(task, fdget(fd), IovIter.user(mm, bufs, lens), pos, true));
  }

  /** {@code pwrite} from a Java array through a kernel buffer (no user-memory faults). */
  public long pwriteBytes(int fd, byte[] data, long pos) {
    return call("pwrite64", () -> VfsWrite.write(task, fdget(fd),
        IovIter.kernel(data, 0, data.length), pos, true));
  }

  /** {@code write} from a Java array through a kernel buffer. */
  public long writeBytes(int fd, byte[] data) {
    return call("write", () -> VfsWrite.write(task, fdget(fd),
        IovIter.kernel(data, 0, data.length), 0, false));
  }

  /** {@code pread} into a new Java array through a kernel buffer; its length is the count read. */
  public byte[] preadBytes(int fd, int count, long pos) {
    return call("pread64", () -> {
      byte[] buf = new byte[count];
      long n = vfs.read(task, fdget(fd), IovIter.kernel(buf, 0, count), pos, true);
      return n == count ? buf : java.util.Arrays.copyOf(buf, (int) n);
    });
  }

  public long lseek(int fd, long offset, int whence) {
    return call("lseek", () -> vfs.lseek(task, fdget(fd), offset, whence));
  }

  public void ftruncate(int fd, long length) {
    run("ftruncate", () -> {
      OpenFile f = fdget(fd);
      if (!f.writable()) {
        throw Errno.EINVAL.exception("ftruncate on a file not open for writing");
      }
      vfs.truncate(task, f.inode(), length);
    });
  }

  public void truncate(String path, long length) {
    run("truncate", () -> vfs.truncatePath(task, path, length));
  }

  public void fallocate(int fd, int mode, long offset, long len) {
    run("fallocate", () -> vfs.fallocate(task, fdget(fd), mode, offset, len));
  }

  public void fsync(int fd) {
    run("fsync", () -> vfs.fsync(task, fdget(fd), false));
  }

  public void fdatasync(int fd) {
    run("fdatasync", () -> vfs.fsync(task, fdget(fd), true));
  }

  public void sync() {
    run("sync", () -> vfs.sync(task));
  }

  /** {@code FICLONERANGE}: shares {@code len} bytes (0: to EOF) of {@code srcFd} into {@code dstFd}. */
  public void cloneRange(int srcFd, long srcOff, int dstFd, long dstOff, long len) {
    run("ioctl(FICLONERANGE)", () -> {
      OpenFile src = fdget(srcFd);
      long n = len == 0 ? Math.max(0, src.inode().size() - srcOff) : len;
      vfs.remapRange(task, src, srcOff, fdget(dstFd), dstOff, n);
    });
  }

  /** {@code FS_IOC_FIEMAP} over {@code [start, start+len)} (len 0: to the end). */
  public List<FiemapExtent> fiemap(int fd, long start, long len, int flags) {
    return call("ioctl(FS_IOC_FIEMAP)",
        () -> vfs.fiemap(task, fdget(fd).inode(), start, len, flags));
  }

  public Stat fstat(int fd) {
    return call("fstat", () -> fdget(fd).inode().stat());
  }

  public Stat stat(String path) {
    return call("stat", () -> vfs.resolve(path).stat());
  }

  public StatFs statfs(String path) {
    return call("statfs", () -> vfs.statfs(path));
  }

  public StatFs fstatfs(int fd) {
    return call("fstatfs", () -> fdget(fd).inode().superBlock().statfs());
  }

  // ---- namespace -----------------------------------------------------------------------------

  public void mkdir(String path, int mode) {
    run("mkdir", () -> vfs.mkdir(task, path, mode));
  }

  public void rmdir(String path) {
    run("rmdir", () -> vfs.rmdir(task, path));
  }

  public void unlink(String path) {
    run("unlink", () -> vfs.unlink(task, path));
  }

  public void rename(String from, String to) {
    run("rename", () -> vfs.rename(task, from, to));
  }

  public List<DirEntry> readdir(String path) {
    return call("getdents64", () -> vfs.readdir(task, path));
  }

  public void umount(String path) {
    run("umount", () -> vfs.umount(task, path));
  }

  // ---- memory --------------------------------------------------------------------------------

  /** {@code mmap}; {@code fd} is ignored (pass -1) with {@code MAP_ANONYMOUS}. */
  public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
    return call("mmap", () -> mm.mmap(task, addr, len, prot, flags,
        (flags & Fcntl.MAP_ANONYMOUS) != 0 ? null : fdget(fd), offset));
  }

  /** An anonymous private read-write mapping, the usual user buffer. */
  public long mmapAnonymous(long len) {
    return mmap(0, len, Fcntl.PROT_READ | Fcntl.PROT_WRITE,
        Fcntl.MAP_PRIVATE | Fcntl.MAP_ANONYMOUS, -1, 0);
  }

  public void munmap(long addr, long len) {
    run("munmap", () -> mm.munmap(task, addr, len));
  }

  public void mprotect(long addr, long len, int prot) {
    run("mprotect", () -> mm.mprotect(task, addr, len, prot));
  }

  public void madvise(long addr, long len, int advice) {
    run("madvise", () -> mm.madvise(task, addr, len, advice));
  }

  public void msync(long addr, long len, int flags) {
    run("msync", () -> mm.msync(task, addr, len, flags));
  }

  /**
   * A user-space store of {@code data} at {@code addr}, as the CPU does it: faults as needed;
   * an access the kernel would kill the process for throws EFAULT (SIGSEGV/SIGBUS).
   */
  public void store(long addr, byte[] data) {
    run("store", () -> {
      int n = mm.copyToUser(task, addr, data, 0, data.length);
      if (n < data.length) {
        throw Errno.EFAULT.exception("SIGSEGV/SIGBUS at " + Long.toHexString(addr + n));
      }
    });
  }

  /** A user-space load of {@code len} bytes at {@code addr}. */
  public byte[] load(long addr, int len) {
    return call("load", () -> {
      byte[] out = new byte[len];
      int n = mm.copyFromUser(task, addr, out, 0, len);
      if (n < len) {
        throw Errno.EFAULT.exception("SIGSEGV/SIGBUS at " + Long.toHexString(addr + n));
      }
      return out;
    });
  }

  /** The inode behind a path, for tools (fiemap by path, filefrag). */
  public Inode inode(String path) {
    return call("stat", () -> vfs.resolve(path));
  }
}
