package org.vfsim.testkit.crash;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoRequest;
import org.vfsim.block.LoggedRequest;
import org.vfsim.block.RequestLog;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FileSystemType;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.MountedFilesystem;

/**
 * One run of a workload on a fresh filesystem with the device's request log on: the log, where
 * each operation started and returned in it, which operations failed, and the durable object
 * table of a bridge plugin at every point a crash state may be cut.
 */
final class WorkloadRun {
  final Workload workload;
  final BlockDevice device;
  final Map<Long, byte[]> base;
  final ImmutableList<LoggedRequest> log;
  /** Log size when each operation started and returned. */
  final long[] started;
  final long[] returned;
  final boolean[] failed;

  private WorkloadRun(Workload w, BlockDevice device, Map<Long, byte[]> base,
      ImmutableList<LoggedRequest> log, long[] started, long[] returned, boolean[] failed) {
    this.workload = w;
    this.device = device;
    this.base = base;
    this.log = log;
    this.started = started;
    this.returned = returned;
    this.failed = failed;
  }

  /** Makes and mounts {@code fut} on a device of {@code deviceBytes}, runs {@code w}. */
  static WorkloadRun run(FilesystemUnderTest fut, long deviceBytes, Workload w) {
    Machine m = Machine.boot(Configuration.defaults());
    FileSystemType type = fut.type();
    BlockDevice dev = m.newDevice("vdb", deviceBytes, fut.blockSize(), false);
    m.mkfs(type, dev, fut.mkfsOptions());
    m.mount(type, dev, fut.mountOptions(), MountedFilesystem.MOUNT_POINT);
    Syscalls sys = m.syscalls(m.spawn("crash").mainTask());
    for (CrashOp op : w.setup()) {
      perform(sys, op);
    }
    sys.sync();
    dev.flush();
    RequestLog log = dev.startRequestLog();
    int n = w.ops().size();
    long[] started = new long[n];
    long[] returned = new long[n];
    boolean[] failed = new boolean[n];
    for (int i = 0; i < n; i++) {
      started[i] = log.entries().size();
      try {
        perform(sys, w.ops().get(i));
      } catch (ErrnoException e) {
        failed[i] = true;
      }
      returned[i] = log.entries().size();
    }
    ImmutableList<LoggedRequest> entries = log.entries();
    log.close();
    return new WorkloadRun(w, dev, log.base(), entries, started, returned, failed);
  }

  /**
   * The model as a crash at log position {@code at} sees it: every operation that may have
   * started has its effect (and what it touched is uncertain), and only those that returned
   * have their promise.
   */
  DurabilityModel modelAt(long at) {
    DurabilityModel m = new DurabilityModel();
    for (CrashOp op : workload.setup()) {
      m.apply(op, true, false);
    }
    m.apply(CrashOp.of(CrashOp.Kind.SYNC, ""), true, false);
    for (int i = 0; i < workload.ops().size() && started[i] <= at; i++) {
      m.apply(workload.ops().get(i), returned[i] <= at, failed[i]);
    }
    return m;
  }

  static String abs(String path) {
    return path.isEmpty() ? MountedFilesystem.MOUNT_POINT
        : MountedFilesystem.MOUNT_POINT + "/" + path;
  }

  /** Performs one operation with system calls, as a test program would. */
  static void perform(Syscalls sys, CrashOp op) {
    String p = abs(op.path());
    switch (op.kind()) {
      case MKDIR -> sys.mkdir(p, 0755);
      case CREATE -> sys.close(sys.open(p, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644));
      case WRITE -> withFd(sys, p, fd -> sys.pwriteBytes(fd, op.data(), op.off()));
      case MMAP_WRITE -> withFd(sys, p, fd -> {
        long start = op.off() & ~4095L;
        long len = op.off() + op.len() - start;
        long addr = sys.mmap(0, len, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd,
            start);
        try {
          sys.store(addr + op.off() - start, op.data());
          sys.msync(addr, len, Fcntl.MS_SYNC);
        } finally {
          sys.munmap(addr, len);
        }
      });
      case TRUNCATE -> sys.truncate(p, op.off());
      case FALLOCATE -> withFd(sys, p, fd -> sys.fallocate(fd, 0, op.off(), op.len()));
      case FALLOCATE_KEEP_SIZE ->
          withFd(sys, p, fd -> sys.fallocate(fd, FallocMode.KEEP_SIZE, op.off(), op.len()));
      case PUNCH -> withFd(sys, p, fd -> sys.fallocate(fd,
          FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, op.off(), op.len()));
      case RENAME -> sys.rename(p, abs(op.path2()));
      case UNLINK -> sys.unlink(p);
      case FSYNC -> withFd(sys, p, sys::fsync);
      case FDATASYNC -> withFd(sys, p, sys::fdatasync);
      case FSYNC_DIR -> {
        int fd = sys.open(p, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
        try {
          sys.fsync(fd);
        } finally {
          sys.close(fd);
        }
      }
      case SYNC -> sys.sync();
    }
  }

  private interface FdAction {
    void run(int fd);
  }

  private static void withFd(Syscalls sys, String path, FdAction a) {
    int fd = sys.open(path, Fcntl.O_RDWR, 0);
    try {
      a.run(fd);
    } finally {
      sys.close(fd);
    }
  }

  /** Log positions of every write's request (for naming the writes a state kept). */
  List<Integer> writeIndexes() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).op() == IoRequest.Op.WRITE) {
        out.add(i);
      }
    }
    return out;
  }
}
