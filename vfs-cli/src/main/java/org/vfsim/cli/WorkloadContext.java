package org.vfsim.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.vfsim.fs.StatFs;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * A workload's view of its variant: system calls of one (or, for fio clones, several) simulated
 * processes, the seeded random source, and the bookkeeping the report needs: the bytes the
 * application asked to write, the files alive at the end, and round boundaries.
 */
final class WorkloadContext {
  private final SimulatedSystem system;
  private final Syscalls sys;
  private final Random random;
  private final long seed;
  private final Runnable onRound;
  private final Set<String> files = new LinkedHashSet<>();
  private final Map<String, Syscalls> processes = new LinkedHashMap<>();
  private long appBytesWritten;
  private int rounds;

  WorkloadContext(SimulatedSystem system, long seed, Runnable onRound) {
    this.system = system;
    this.seed = seed;
    this.random = new Random(seed);
    this.onRound = onRound;
    this.sys = process("workload");
  }

  SimulatedSystem system() {
    return system;
  }

  /** The system calls of the workload's main process. */
  Syscalls sys() {
    return sys;
  }

  /** The system calls of a named process (created on first use), e.g. one per fio clone. */
  Syscalls process(String name) {
    return processes.computeIfAbsent(name,
        n -> system.machine().syscalls(system.machine().spawn(n).mainTask()));
  }

  Random random() {
    return random;
  }

  long seed() {
    return seed;
  }

  /** The simulated path of a workload-relative name. */
  String path(String name) {
    return SimulatedSystem.pathOf(name);
  }

  /** mkdir -p under the filesystem root. */
  void mkdirs(String dir) {
    String at = "";
    for (String part : dir.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      at = at + "/" + part;
      try {
        sys.mkdir(path(at), 0755);
      } catch (ErrnoException e) {
        if (e.errno() != Errno.EEXIST) {
          throw e;
        }
      }
    }
  }

  /** Opens (creating) {@code name} read-write in {@code s}'s process and remembers the file. */
  int create(Syscalls s, String name) {
    int fd = s.open(path(name), Fcntl.O_RDWR | Fcntl.O_CREAT, 0644);
    files.add(name);
    return fd;
  }

  int create(String name) {
    return create(sys, name);
  }

  /** {@code pwrite} of {@code len} bytes of {@code fill}, counted as application writes. */
  long write(Syscalls s, int fd, long offset, int len, byte fill) {
    byte[] data = new byte[len];
    java.util.Arrays.fill(data, fill);
    long n = s.pwriteBytes(fd, data, offset);
    appBytesWritten += n;
    return n;
  }

  long write(int fd, long offset, int len) {
    return write(sys, fd, offset, len, (byte) 0xcd);
  }

  void unlink(String name) {
    sys.unlink(path(name));
    files.remove(name);
  }

  /** Fraction of the filesystem's blocks in use. */
  double fullness() {
    StatFs s = sys.statfs(SimulatedSystem.MOUNT_POINT);
    return s.blocks() == 0 ? 0 : (double) (s.blocks() - s.bfree()) / s.blocks();
  }

  /** Marks the end of a round: the report samples its metrics here. */
  void endRound() {
    rounds++;
    onRound.run();
  }

  int rounds() {
    return rounds;
  }

  long appBytesWritten() {
    return appBytesWritten;
  }

  /** Workload-relative names of the files alive now, in creation order. */
  List<String> files() {
    return new ArrayList<>(files);
  }
}
