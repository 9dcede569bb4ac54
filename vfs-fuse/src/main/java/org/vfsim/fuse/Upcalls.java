package org.vfsim.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockdepViolation;
import org.vfsim.syscall.ErrnoException;

/**
 * libfuse's {@code struct fuse_operations}, filled with upcall stubs into this class: each
 * converts the C arguments, runs the request on {@link SimulatedFs} under the machine lock, and
 * returns 0, a count, or the negated errno. Nothing may escape an upcall (the JVM would abort),
 * so a lock validator report becomes EDEADLK (logged with both chains) and a bug EIO (logged
 * with its stack trace).
 */
final class Upcalls {
  static final int EIO = 5;
  static final int EDEADLK = 35;

  /** Who made the request being served: host pid, uid and gid. */
  @FunctionalInterface
  interface Caller {
    int[] pidUidGid();
  }

  private final LibFuse lib;
  private final Caller caller;
  private final SimulatedFs fs;
  private final PrintStream log;
  private final double cacheTimeoutSeconds;
  /** Serialises requests: the machine's clock and timers run one request at a time. */
  private final ReentrantLock machineLock = new ReentrantLock();

  Upcalls(LibFuse lib, SimulatedFs fs, PrintStream log, double cacheTimeoutSeconds) {
    this(lib, () -> {
      MemorySegment ctx = lib.context();
      return new int[] {ctx.get(JAVA_INT, Layouts.CTX_PID), ctx.get(JAVA_INT, Layouts.CTX_UID),
          ctx.get(JAVA_INT, Layouts.CTX_GID)};
    }, fs, log, cacheTimeoutSeconds);
  }

  Upcalls(LibFuse lib, Caller caller, SimulatedFs fs, PrintStream log,
      double cacheTimeoutSeconds) {
    this.lib = lib;
    this.caller = caller;
    this.fs = fs;
    this.log = log;
    this.cacheTimeoutSeconds = cacheTimeoutSeconds;
  }

  /** A request body; returns the reply value (0, a count or an offset). */
  @FunctionalInterface
  interface Body {
    long run();
  }

  long call(String op, Body body) {
    machineLock.lock();
    Task task = null;
    try {
      int[] who = caller.pidUidGid();
      task = fs.begin(op, who[0], who[1], who[2]);
      long result;
      try {
        result = body.run();
      } catch (ErrnoException e) {
        result = -e.errno().number();
      } catch (LockdepViolation v) {
        log.println("vfsim: " + op + ": lock validator report, failing with EDEADLK:");
        log.print(v.report().render());
        result = -EDEADLK;
      }
      try {
        fs.machine().lockValidator().checkReturnToUser(task, "fuse " + op);
      } catch (LockdepViolation v) {
        log.println("vfsim: " + op + ": lock held on return, failing with EDEADLK:");
        log.print(v.report().render());
        result = -EDEADLK;
      }
      return result;
    } catch (Throwable t) {
      log.println("vfsim: internal error in " + op + ": " + t);
      t.printStackTrace(log);
      return -EIO;
    } finally {
      try {
        fs.end();
      } catch (Throwable t) {
        log.println("vfsim: internal error charging " + op + " to the clock: " + t);
      }
      machineLock.unlock();
    }
  }

  private int icall(String op, Body body) {
    return (int) call(op, body);
  }

  /** Serialises work done outside a request (unmount) with the requests. */
  void runExclusive(Runnable r) {
    machineLock.lock();
    try {
      r.run();
    } finally {
      machineLock.unlock();
    }
  }

  private static @Nullable String str(MemorySegment p) {
    return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
  }

  private static long fh(MemorySegment fi) {
    return fi.equals(MemorySegment.NULL) ? 0
        : fi.reinterpret(Layouts.FI_SIZE).get(JAVA_LONG, Layouts.FI_FH);
  }

  private static int flags(MemorySegment fi) {
    return fi.reinterpret(Layouts.FI_SIZE).get(JAVA_INT, Layouts.FI_FLAGS);
  }

  private static void setFh(MemorySegment fi, long fh) {
    fi.reinterpret(Layouts.FI_SIZE).set(JAVA_LONG, Layouts.FI_FH, fh);
  }

  private static void fillStat(MemorySegment st, Stat s) {
    MemorySegment seg = st.reinterpret(Layouts.STAT_SIZE);
    seg.fill((byte) 0);
    seg.set(JAVA_LONG, Layouts.ST_INO, s.ino());
    seg.set(JAVA_LONG, Layouts.ST_NLINK, s.nlink());
    seg.set(JAVA_INT, Layouts.ST_MODE, s.type().modeBits() | (s.mode() & 07777));
    seg.set(JAVA_INT, Layouts.ST_UID, s.uid());
    seg.set(JAVA_INT, Layouts.ST_GID, s.gid());
    seg.set(JAVA_LONG, Layouts.ST_SIZE, s.size());
    seg.set(JAVA_LONG, Layouts.ST_BLKSIZE, s.blksize());
    seg.set(JAVA_LONG, Layouts.ST_BLOCKS, s.blocks());
    time(seg, Layouts.ST_ATIM, s.atimeNanos());
    time(seg, Layouts.ST_MTIM, s.mtimeNanos());
    time(seg, Layouts.ST_CTIM, s.ctimeNanos());
  }

  private static void time(MemorySegment seg, long at, long nanos) {
    seg.set(JAVA_LONG, at, Math.floorDiv(nanos, 1_000_000_000L));
    seg.set(JAVA_LONG, at + 8, Math.floorMod(nanos, 1_000_000_000L));
  }

  // ---- the operations (C signatures) -----------------------------------------------------------

  int getattr(MemorySegment path, MemorySegment st, MemorySegment fi) {
    return icall("getattr", () -> {
      fillStat(st, fs.getattr(str(path), fh(fi)));
      return 0;
    });
  }

  /** vfsim has no symbolic links: readlink of anything is EINVAL, as for a regular file. */
  int readlink(MemorySegment path, MemorySegment buf, long size) {
    return icall("readlink", () -> {
      fs.getattr(str(path), 0);
      return -22;
    });
  }

  /**
   * No device nodes, FIFOs, symbolic or hard links in vfsim: EPERM, as the kernel returns for a
   * filesystem without the inode operation.
   */
  int mknod(MemorySegment path, int mode, long dev) {
    return -1;
  }

  int symlink(MemorySegment target, MemorySegment path) {
    return -1;
  }

  int link(MemorySegment from, MemorySegment to) {
    return -1;
  }

  int mkdir(MemorySegment path, int mode) {
    return icall("mkdir", () -> {
      fs.mkdir(str(path), mode);
      return 0;
    });
  }

  int unlink(MemorySegment path) {
    return icall("unlink", () -> {
      fs.unlink(str(path));
      return 0;
    });
  }

  int rmdir(MemorySegment path) {
    return icall("rmdir", () -> {
      fs.rmdir(str(path));
      return 0;
    });
  }

  int rename(MemorySegment from, MemorySegment to, int flags) {
    return icall("rename", () -> {
      fs.rename(str(from), str(to), flags);
      return 0;
    });
  }

  int chmod(MemorySegment path, int mode, MemorySegment fi) {
    return icall("chmod", () -> {
      fs.chmod(str(path), mode, fh(fi));
      return 0;
    });
  }

  int chown(MemorySegment path, int uid, int gid, MemorySegment fi) {
    return icall("chown", () -> {
      fs.chown(str(path), uid, gid, fh(fi));
      return 0;
    });
  }

  int truncate(MemorySegment path, long size, MemorySegment fi) {
    return icall("truncate", () -> {
      fs.truncate(str(path), size, fh(fi));
      return 0;
    });
  }

  int open(MemorySegment path, MemorySegment fi) {
    return icall("open", () -> {
      String p = str(path);
      long fh = fs.open(p, flags(fi));
      setFh(fi, fh);
      if (ControlDir.isHandle(fh)) {
        // Control files have no size: read them past it, never from the host's page cache.
        MemorySegment seg = fi.reinterpret(Layouts.FI_SIZE);
        seg.set(JAVA_INT, Layouts.FI_BITS, seg.get(JAVA_INT, Layouts.FI_BITS)
            | Layouts.FI_DIRECT_IO);
      }
      return 0;
    });
  }

  int create(MemorySegment path, int mode, MemorySegment fi) {
    return icall("create", () -> {
      setFh(fi, fs.create(str(path), mode, flags(fi)));
      return 0;
    });
  }

  int read(MemorySegment path, MemorySegment buf, long size, long off, MemorySegment fi) {
    return icall("read", () -> {
      int n = fs.read(fh(fi), size, off);
      MemorySegment.copy(fs.buffer(n), 0, buf.reinterpret(size), JAVA_BYTE_LAYOUT, 0, n);
      return n;
    });
  }

  private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT =
      java.lang.foreign.ValueLayout.JAVA_BYTE;

  int write(MemorySegment path, MemorySegment buf, long size, long off, MemorySegment fi) {
    return icall("write", () -> {
      byte[] data = fs.buffer(size);
      MemorySegment.copy(buf.reinterpret(size), JAVA_BYTE_LAYOUT, 0, data, 0, (int) size);
      return fs.write(fh(fi), size, off);
    });
  }

  int statfs(MemorySegment path, MemorySegment out) {
    return icall("statfs", () -> {
      StatFs s = fs.statfs(str(path));
      MemorySegment seg = out.reinterpret(Layouts.STATVFS_SIZE);
      seg.fill((byte) 0);
      seg.set(JAVA_LONG, Layouts.F_BSIZE, s.bsize());
      seg.set(JAVA_LONG, Layouts.F_FRSIZE, s.bsize());
      seg.set(JAVA_LONG, Layouts.F_BLOCKS, s.blocks());
      seg.set(JAVA_LONG, Layouts.F_BFREE, s.bfree());
      seg.set(JAVA_LONG, Layouts.F_BAVAIL, s.bavail());
      seg.set(JAVA_LONG, Layouts.F_FILES, s.files());
      seg.set(JAVA_LONG, Layouts.F_FFREE, s.ffree());
      seg.set(JAVA_LONG, Layouts.F_FAVAIL, s.ffree());
      seg.set(JAVA_LONG, Layouts.F_NAMEMAX, s.namelen());
      return 0;
    });
  }

  /** close(2) of one descriptor: nothing to do (vfsim's VFS has no ->flush). */
  int flush(MemorySegment path, MemorySegment fi) {
    return 0;
  }

  int release(MemorySegment path, MemorySegment fi) {
    return icall("release", () -> {
      fs.release(fh(fi));
      return 0;
    });
  }

  int fsync(MemorySegment path, int datasync, MemorySegment fi) {
    return icall("fsync", () -> {
      fs.fsync(fh(fi), datasync != 0);
      return 0;
    });
  }

  int opendir(MemorySegment path, MemorySegment fi) {
    return icall("opendir", () -> {
      setFh(fi, fs.opendir(str(path)));
      return 0;
    });
  }

  int readdir(MemorySegment path, MemorySegment buf, MemorySegment filler, long off,
      MemorySegment fi, int flags) {
    return icall("readdir", () -> {
      List<String> names = fs.readdir(str(path), fh(fi));
      try (Arena a = Arena.ofConfined()) {
        for (String n : names) {
          int full = (int) lib.fillDir.invokeExact(filler, buf, a.allocateFrom(n),
              MemorySegment.NULL, 0L, 0);
          if (full != 0) {
            break;
          }
        }
      } catch (Throwable t) {
        throw new IllegalStateException("fuse_fill_dir_t", t);
      }
      return 0;
    });
  }

  int releasedir(MemorySegment path, MemorySegment fi) {
    return release(path, fi);
  }

  int fsyncdir(MemorySegment path, int datasync, MemorySegment fi) {
    return fsync(path, datasync, fi);
  }

  /**
   * FUSE_INIT: attribute and entry caching as configured (0 by default: a power cut changes the
   * filesystem under the kernel), unlink of an open file really unlinks it (hard_remove, as the
   * simulated VFS keeps unlinked open files), and our inode numbers are st_ino.
   */
  MemorySegment init(MemorySegment conn, MemorySegment cfg) {
    MemorySegment c = cfg.reinterpret(Layouts.CONFIG_SIZE);
    c.set(JAVA_DOUBLE, Layouts.CFG_ENTRY_TIMEOUT, cacheTimeoutSeconds);
    c.set(JAVA_DOUBLE, Layouts.CFG_ATTR_TIMEOUT, cacheTimeoutSeconds);
    c.set(JAVA_DOUBLE, Layouts.CFG_NEGATIVE_TIMEOUT, 0.0);
    c.set(JAVA_INT, Layouts.CFG_HARD_REMOVE, 1);
    c.set(JAVA_INT, Layouts.CFG_USE_INO, 1);
    c.set(JAVA_INT, Layouts.CFG_NULLPATH_OK, 1);
    return MemorySegment.NULL;
  }

  /** access(2): existence; with default_permissions the kernel checks the mode bits. */
  int access(MemorySegment path, int mask) {
    return icall("access", () -> {
      fs.getattr(str(path), 0);
      return 0;
    });
  }

  int utimens(MemorySegment path, MemorySegment tv, MemorySegment fi) {
    return icall("utimens", () -> {
      MemorySegment t = tv.reinterpret(32);
      fs.utimens(str(path), timeArg(t.get(JAVA_LONG, 0), t.get(JAVA_LONG, 8)),
          timeArg(t.get(JAVA_LONG, 16), t.get(JAVA_LONG, 24)), fh(fi));
      return 0;
    });
  }

  private static long timeArg(long sec, long nsec) {
    if (nsec == Layouts.UTIME_OMIT) {
      return -1;
    }
    if (nsec == Layouts.UTIME_NOW) {
      return -2;
    }
    return Math.max(0, sec) * 1_000_000_000L + nsec;
  }

  int fallocate(MemorySegment path, int mode, long off, long len, MemorySegment fi) {
    return icall("fallocate", () -> {
      fs.fallocate(fh(fi), mode, off, len);
      return 0;
    });
  }

  long copyFileRange(MemorySegment pathIn, MemorySegment fiIn, long offIn, MemorySegment pathOut,
      MemorySegment fiOut, long offOut, long size, int flags) {
    return call("copy_file_range",
        () -> fs.copyFileRange(fh(fiIn), offIn, fh(fiOut), offOut, size, flags));
  }

  long lseek(MemorySegment path, long off, int whence, MemorySegment fi) {
    return call("lseek", () -> fs.lseek(fh(fi), off, whence));
  }

  // ---- the table -----------------------------------------------------------------------------

  /** Allocates {@code struct fuse_operations} in {@code arena}, pointing at this object. */
  MemorySegment operations(Arena arena) {
    MemorySegment ops = arena.allocate(ADDRESS.byteSize() * Layouts.OPERATIONS_COUNT, 8);
    FunctionDescriptor p = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    FunctionDescriptor pp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    FunctionDescriptor ppp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    FunctionDescriptor pip = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    FunctionDescriptor rw = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG,
        JAVA_LONG, ADDRESS);
    bind(ops, arena, Layouts.OP_GETATTR, "getattr", ppp);
    bind(ops, arena, Layouts.OP_READLINK, "readlink",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    bind(ops, arena, Layouts.OP_MKNOD, "mknod",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    bind(ops, arena, Layouts.OP_MKDIR, "mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS,
        JAVA_INT));
    bind(ops, arena, Layouts.OP_UNLINK, "unlink", p);
    bind(ops, arena, Layouts.OP_RMDIR, "rmdir", p);
    bind(ops, arena, Layouts.OP_SYMLINK, "symlink", pp);
    bind(ops, arena, Layouts.OP_RENAME, "rename",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    bind(ops, arena, Layouts.OP_LINK, "link", pp);
    bind(ops, arena, Layouts.OP_CHMOD, "chmod", pip);
    bind(ops, arena, Layouts.OP_CHOWN, "chown",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    bind(ops, arena, Layouts.OP_TRUNCATE, "truncate",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    bind(ops, arena, Layouts.OP_OPEN, "open", pp);
    bind(ops, arena, Layouts.OP_READ, "read", rw);
    bind(ops, arena, Layouts.OP_WRITE, "write", rw);
    bind(ops, arena, Layouts.OP_STATFS, "statfs", pp);
    bind(ops, arena, Layouts.OP_FLUSH, "flush", pp);
    bind(ops, arena, Layouts.OP_RELEASE, "release", pp);
    bind(ops, arena, Layouts.OP_FSYNC, "fsync", pip);
    bind(ops, arena, Layouts.OP_OPENDIR, "opendir", pp);
    bind(ops, arena, Layouts.OP_READDIR, "readdir", FunctionDescriptor.of(JAVA_INT, ADDRESS,
        ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT));
    bind(ops, arena, Layouts.OP_RELEASEDIR, "releasedir", pp);
    bind(ops, arena, Layouts.OP_FSYNCDIR, "fsyncdir", pip);
    bind(ops, arena, Layouts.OP_INIT, "init", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    bind(ops, arena, Layouts.OP_ACCESS, "access", FunctionDescriptor.of(JAVA_INT, ADDRESS,
        JAVA_INT));
    bind(ops, arena, Layouts.OP_CREATE, "create", pip);
    bind(ops, arena, Layouts.OP_UTIMENS, "utimens", ppp);
    bind(ops, arena, Layouts.OP_FALLOCATE, "fallocate",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS));
    bind(ops, arena, Layouts.OP_COPY_FILE_RANGE, "copyFileRange",
        FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS,
            JAVA_LONG, JAVA_LONG, JAVA_INT));
    bind(ops, arena, Layouts.OP_LSEEK, "lseek",
        FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
    return ops;
  }

  private void bind(MemorySegment ops, Arena arena, int index, String method,
      FunctionDescriptor d) {
    try {
      MethodHandle h = MethodHandles.lookup().bind(this, method, d.toMethodType());
      ops.setAtIndex(ADDRESS, index, LibFuse.LINKER.upcallStub(h, d, arena));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no upcall target " + method, e);
    }
  }
}
