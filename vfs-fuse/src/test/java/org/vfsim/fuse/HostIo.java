package org.vfsim.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The host system calls the host-file checker makes, through libc (FFM): the mount's files are
 * ordinary files to it, so it reaches fallocate modes, SEEK_DATA/SEEK_HOLE and copy_file_range
 * that java.nio does not. A call that fails throws {@link HostError} with the errno.
 */
class HostIo {
  static final int O_RDWR = 02;
  static final int O_CREAT = 0100;
  static final int SEEK_DATA = 3;
  static final int SEEK_HOLE = 4;

  /** A failed system call: its name and errno. */
  static final class HostError extends RuntimeException {
    final int errno;

    HostError(String call, int errno) {
      super(call + ": errno " + errno, null, false, false);
      this.errno = errno;
    }
  }

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(
      java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

  private static MethodHandle libc(String name, FunctionDescriptor d, Linker.Option... more) {
    Linker.Option[] opts = new Linker.Option[more.length + 1];
    opts[0] = ERRNO_OPT;
    System.arraycopy(more, 0, opts, 1, more.length);
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, opts);
  }

  private static final MethodHandle OPEN = libc("open",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
      Linker.Option.firstVariadicArg(2));
  private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT,
      JAVA_INT));
  private static final MethodHandle PREAD = libc("pread", FunctionDescriptor.of(JAVA_LONG,
      JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
  private static final MethodHandle PWRITE = libc("pwrite", FunctionDescriptor.of(JAVA_LONG,
      JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
  private static final MethodHandle FTRUNCATE = libc("ftruncate",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
  private static final MethodHandle FALLOCATE = libc("fallocate",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
  private static final MethodHandle FSYNC = libc("fsync", FunctionDescriptor.of(JAVA_INT,
      JAVA_INT));
  private static final MethodHandle LSEEK = libc("lseek", FunctionDescriptor.of(JAVA_LONG,
      JAVA_INT, JAVA_LONG, JAVA_INT));
  private static final MethodHandle COPY_FILE_RANGE = libc("copy_file_range",
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG,
          JAVA_INT));

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment state = arena.allocate(CAPTURE);
  private MemorySegment buf = arena.allocate(1 << 20);

  private long check(String call, long rc) {
    if (rc < 0) {
      throw new HostError(call, (int) ERRNO.get(state, 0L));
    }
    return rc;
  }

  private MemorySegment buffer(int n) {
    if (n > buf.byteSize()) {
      buf = arena.allocate(n);
    }
    return buf;
  }

  int open(String path, int flags) {
    try {
      return (int) check("open", (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags,
          0644));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  void close(int fd) {
    try {
      check("close", (int) CLOSE.invokeExact(state, fd));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** {@code pread} until {@code len} bytes or EOF; returns what it read. */
  byte[] pread(int fd, int len, long off) {
    MemorySegment b = buffer(len);
    int done = 0;
    try {
      while (done < len) {
        long n = check("pread", (long) PREAD.invokeExact(state, fd, b.asSlice(done),
            (long) (len - done), off + done));
        if (n == 0) {
          break;
        }
        done += (int) n;
      }
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    return b.asSlice(0, done).toArray(JAVA_BYTE);
  }

  void pwrite(int fd, byte[] data, long off) {
    MemorySegment b = buffer(data.length);
    MemorySegment.copy(data, 0, b, JAVA_BYTE, 0, data.length);
    int done = 0;
    try {
      while (done < data.length) {
        long n = check("pwrite", (long) PWRITE.invokeExact(state, fd, b.asSlice(done),
            (long) (data.length - done), off + done));
        done += (int) n;
      }
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  void ftruncate(int fd, long len) {
    try {
      check("ftruncate", (int) FTRUNCATE.invokeExact(state, fd, len));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  void fallocate(int fd, int mode, long off, long len) {
    try {
      check("fallocate", (int) FALLOCATE.invokeExact(state, fd, mode, off, len));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  void fsync(int fd) {
    try {
      check("fsync", (int) FSYNC.invokeExact(state, fd));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  long lseek(int fd, long off, int whence) {
    try {
      return check("lseek", (long) LSEEK.invokeExact(state, fd, off, whence));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  long copyFileRange(int in, long offIn, int out, long offOut, long len) {
    MemorySegment a = arena.allocate(JAVA_LONG);
    MemorySegment b = arena.allocate(JAVA_LONG);
    a.set(JAVA_LONG, 0, offIn);
    b.set(JAVA_LONG, 0, offOut);
    try {
      return check("copy_file_range", (long) COPY_FILE_RANGE.invokeExact(state, in, a, out, b,
          len, 0));
    } catch (HostError e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The file size, by {@code lseek(SEEK_END)} (the position is not used by the checker). */
  long size(int fd) {
    return lseek(fd, 0, 2);
  }
}
