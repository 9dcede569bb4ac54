package org.vfsim.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vfsim.Machine;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The cost of the simulated buffered write path against a plain memory copy of the same bytes.
 * Both benchmarks move 1 MiB per operation, so their ops/s are MiB/s and their ratio is the
 * overhead of fault-in, page locks, lockdep, the page cache lookup and {@code write_end}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WritePathBenchmark {
  static final int MIB = 1 << 20;
  static final int CHUNK = 4096;

  private byte[] src;
  private byte[] dst;
  private Syscalls sys;
  private int fd;
  private long userBuffer;

  @Setup
  public void setUp() {
    src = new byte[MIB];
    new Random(1).nextBytes(src);
    dst = new byte[MIB];
    Machine machine = Machine.boot();
    sys = machine.syscalls(machine.spawn("bench").mainTask());
    fd = sys.open("/bench", Fcntl.O_CREAT | Fcntl.O_RDWR);
    userBuffer = sys.mmapAnonymous(MIB);
    sys.store(userBuffer, src); // faults the whole buffer in
    sys.pwrite(fd, userBuffer, MIB, 0); // the file's pages are cached (and stay dirty)
  }

  /** The baseline: 1 MiB copied in page-sized chunks between two Java arrays. */
  @Benchmark
  public byte[] arraycopy4k() {
    for (int off = 0; off < MIB; off += CHUNK) {
      System.arraycopy(src, off, dst, off, CHUNK);
    }
    return dst;
  }

  /** A 1 MiB pwrite from faulted-in user memory over already cached pages (ramfs, generic path). */
  @Benchmark
  public long genericPerformWrite() {
    return sys.pwrite(fd, userBuffer, MIB, 0);
  }
}
