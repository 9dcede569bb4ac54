package org.vfsim.bench;

import java.util.Arrays;

/**
 * The figure of {@link WritePathBenchmark} measured so that a loaded machine does not blur it:
 * the two workloads alternate in short runs and the fastest and median run of each are kept, so
 * preemption by other processes (milliseconds) rarely lands inside a 1 MiB operation
 * (tens of microseconds). Not a replacement for JMH, a cross-check of its ratio.
 */
public final class WritePathRatio {
  private WritePathRatio() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    WritePathBenchmark b = new WritePathBenchmark();
    b.setUp();
    long sink = 0;
    for (int i = 0; i < 20_000; i++) { // warm up both paths for the JIT
      sink += b.arraycopy4k()[i & 1023] + b.genericPerformWrite();
    }
    long[] copy = new long[rounds];
    long[] write = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      sink += b.arraycopy4k()[i & 1023];
      long t1 = System.nanoTime();
      sink += b.genericPerformWrite();
      long t2 = System.nanoTime();
      copy[i] = t1 - t0;
      write[i] = t2 - t1;
    }
    Arrays.sort(copy);
    Arrays.sort(write);
    double mib = 1e9 / (1 << 20) * WritePathBenchmark.MIB;
    System.out.printf("arraycopy4k:         best %.0f MiB/s, median %.0f MiB/s%n",
        mib / copy[0], mib / copy[rounds / 2]);
    System.out.printf("genericPerformWrite: best %.0f MiB/s, median %.0f MiB/s%n",
        mib / write[0], mib / write[rounds / 2]);
    System.out.printf("ratio genericPerformWrite/arraycopy4k: best %.2f, median %.2f (sink %d)%n",
        (double) copy[0] / write[0], (double) copy[rounds / 2] / write[rounds / 2], sink & 1);
  }
}
