package org.vfsim.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.vfsim.Machine;

/**
 * A simulated filesystem served at a host directory through FUSE (libfuse 3's high-level API over
 * the FFM API): real programs read and write it, and each request runs as a simulated task on
 * the {@link Machine}. Requests are served one at a time by one thread, which keeps the
 * machine's clock and timers serial. Mount with {@link #mount}; the mount ends when someone
 * unmounts it ({@code fusermount3 -u}, {@code umount}) or {@link #unmount} is called.
 */
public final class FuseMount {
  private static final int MNT_DETACH = 2;

  private final Path mountPoint;
  private final Upcalls upcalls;
  private final SimulatedFs fs;
  private final Thread loop;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile int loopStatus;

  private FuseMount(Path mountPoint, Upcalls upcalls, SimulatedFs fs, Thread loop) {
    this.mountPoint = mountPoint;
    this.upcalls = upcalls;
    this.fs = fs;
    this.loop = loop;
  }

  /** Mount settings beyond the machine and the mount point. */
  public record Options(String fsName, double cacheTimeoutSeconds, PrintStream log) {
    /** No attribute or entry caching: a power cut may change anything under the kernel. */
    public static Options defaults(String fsName, PrintStream log) {
      return new Options(fsName, 0.0, log);
    }
  }

  /**
   * Checks what a mount needs, before anything is mounted: the mount point (exists, is a
   * directory, is not already a mount point), {@code /dev/fuse}, the permission to mount and
   * libfuse 3. Throws with one line saying what is wrong.
   */
  public static void check(Path mountPoint) throws FuseMountException {
    if (!Files.exists(mountPoint)) {
      throw new FuseMountException(mountPoint + ": No such file or directory");
    }
    if (!Files.isDirectory(mountPoint)) {
      throw new FuseMountException(mountPoint + ": Not a directory");
    }
    Path real;
    try {
      real = mountPoint.toRealPath();
    } catch (IOException e) {
      throw new FuseMountException(mountPoint + ": " + e.getMessage());
    }
    if (MountTable.isMountPoint(real)) {
      throw new FuseMountException(mountPoint + ": already a mount point (unmount it first)");
    }
    Path dev = Path.of("/dev/fuse");
    if (!Files.exists(dev)) {
      throw new FuseMountException("/dev/fuse: No such file or directory (no FUSE here: load"
          + " the fuse module, or give the container --device /dev/fuse)");
    }
    boolean root = LibFuse.geteuid() == 0;
    if (!root && !MountTable.onPath("fusermount3")) {
      throw new FuseMountException(mountPoint + ": Operation not permitted (mounting needs root"
          + " or fusermount3 from the fuse3 package)");
    }
    if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
      throw new FuseMountException("/dev/fuse: Permission denied");
    }
    if (LibFuse.load().isEmpty()) {
      throw new FuseMountException("libfuse3.so.3 not found (install libfuse3-3; looked in "
          + String.join(", ", LibFuse.LIBRARY_PATHS) + ")");
    }
  }

  /**
   * Serves the filesystem mounted at {@code simRoot} in {@code machine} at {@code mountPoint}
   * (after {@link #check}); returns once the kernel has the mount. The machine must not be used
   * by anyone else until the mount ends.
   */
  public static FuseMount mount(Machine machine, String simRoot, Path mountPoint, Options options)
      throws FuseMountException {
    check(mountPoint);
    LibFuse lib = LibFuse.load().orElseThrow();
    machine.lockValidator().setThrowOnReport(true);
    SimulatedFs fs = new SimulatedFs(machine, simRoot);
    Upcalls upcalls = new Upcalls(lib, fs, options.log(), options.cacheTimeoutSeconds());
    Arena arena = Arena.ofShared();
    String mountOpts = "fsname=vfsim-" + options.fsName().replaceAll("[^A-Za-z0-9_.-]", "_")
        + ",subtype=vfsim,default_permissions" + (LibFuse.geteuid() == 0 ? ",allow_other" : "");
    List<String> argv = List.of("vfsim", "-o", mountOpts);
    MemorySegment args = arena.allocate(Layouts.ARGS_SIZE, 8);
    MemorySegment argvSeg = arena.allocate(ADDRESS, argv.size() + 1);
    for (int i = 0; i < argv.size(); i++) {
      argvSeg.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
    }
    args.set(JAVA_INT, Layouts.ARGS_ARGC, argv.size());
    args.set(ADDRESS, Layouts.ARGS_ARGV, argvSeg);
    MemorySegment ops = upcalls.operations(arena);
    MemorySegment fuse = lib.fuseNew(args, ops, ops.byteSize());
    if (fuse.equals(MemorySegment.NULL)) {
      arena.close();
      throw new FuseMountException("fuse_new failed (libfuse said why above)");
    }
    String where = mountPoint.toAbsolutePath().toString();
    if (lib.fuseMount(fuse, arena.allocateFrom(where)) != 0) {
      lib.fuseDestroy(fuse);
      arena.close();
      throw new FuseMountException(mountPoint + ": cannot mount (libfuse said why above)");
    }
    FuseMount[] self = new FuseMount[1];
    Thread t = new Thread(() -> {
      int status = lib.fuseLoop(fuse);
      // The loop ends when the kernel drops the connection (umount). fuse_unmount finds the
      // connection gone and unmounts nothing else that may be mounted there by then.
      upcalls.runExclusive(fs::releaseAll);
      lib.fuseUnmount(fuse);
      lib.fuseDestroy(fuse);
      self[0].loopStatus = status;
      self[0].ended.countDown();
    }, "fuse-loop " + where);
    self[0] = new FuseMount(mountPoint, upcalls, fs, t);
    t.start();
    return self[0];
  }

  public Path mountPoint() {
    return mountPoint;
  }

  /** Waits until the mount ends; returns libfuse's loop status (0: unmounted normally). */
  public int awaitUnmount() throws InterruptedException {
    ended.await();
    return loopStatus;
  }

  /** Waits up to {@code timeout} for the mount to end; true if it did. */
  public boolean awaitUnmount(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  public boolean isMounted() {
    return ended.getCount() > 0;
  }

  /**
   * Unmounts (lazily: programs still inside lose it) and waits for the serving thread to finish;
   * true if the mount ended within {@code timeoutSeconds}.
   */
  public boolean unmount(long timeoutSeconds) throws InterruptedException {
    if (isMounted()) {
      detach(mountPoint);
    }
    boolean done = ended.await(timeoutSeconds, TimeUnit.SECONDS);
    if (done) {
      loop.join();
    }
    return done;
  }

  /** Requests served so far (the control directory's {@code fuse.requests} counter). */
  public long requests() {
    return fs.requests();
  }

  /** {@code umount2(MNT_DETACH)} as root, {@code fusermount3 -u -z} otherwise. */
  static void detach(Path mountPoint) {
    String where = mountPoint.toAbsolutePath().toString();
    if (LibFuse.geteuid() == 0) {
      try (Arena a = Arena.ofConfined()) {
        MethodHandle umount2 = LibFuse.LINKER.downcallHandle(
            LibFuse.LINKER.defaultLookup().find("umount2").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        int rc = (int) umount2.invokeExact(a.allocateFrom(where), MNT_DETACH);
        if (rc == 0) {
          return;
        }
      } catch (Throwable t) {
        // fall through to fusermount3
      }
    }
    try {
      new ProcessBuilder("fusermount3", "-u", "-z", where).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      // Nothing else to try; the caller sees the mount still there.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
