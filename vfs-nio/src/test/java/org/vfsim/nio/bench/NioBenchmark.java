package org.vfsim.nio.bench;

import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.vfsim.nio.Config;
import org.vfsim.nio.VfsimFileSystems;

/**
 * Side by side, not a test: 4 KiB sequential writes and small-file creates through
 * {@code java.nio} on each vfsim plugin, on Jimfs and on the default filesystem in tmpfs
 * ({@code /dev/shm}). Rounds alternate between targets so drift hits all alike; it prints the
 * median and the best round per operation, and the ratios of the best rounds to Jimfs and to
 * tmpfs (on a loaded machine the best round is the least disturbed one).
 * Run with {@code vfs-nio/bench.sh [rounds]}.
 */
public final class NioBenchmark {
  private static final int WRITES = 2048; // 8 MiB of 4 KiB writes per round
  private static final int FILES = 500; // small files of 100 bytes per round
  private static final int WARMUP = 3;

  private NioBenchmark() {}

  /** One place to run the workloads. */
  private record Target(String name, Path root, AutoCloseable closer) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    List<Target> targets = new ArrayList<>();
    for (String plugin : List.of("ext2ish", "xfsish", "btrfsish", "ramfs")) {
      FileSystem fs = VfsimFileSystems.newFileSystem(Config.forPlugin(plugin)
          .deviceBytes(256L << 20).seed(1));
      targets.add(new Target("vfsim " + plugin, fs.getPath("/"), fs));
    }
    FileSystem jimfs = Jimfs.newFileSystem(com.google.common.jimfs.Configuration.unix());
    targets.add(new Target("jimfs", jimfs.getPath("/work"), jimfs));
    Files.createDirectories(jimfs.getPath("/work"));
    Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "vfsim-bench");
    targets.add(new Target("tmpfs (default fs)", shm, () -> deleteTree(shm)));

    Map<String, long[]> writeNs = new LinkedHashMap<>();
    Map<String, long[]> createNs = new LinkedHashMap<>();
    for (Target t : targets) {
      writeNs.put(t.name(), new long[rounds]);
      createNs.put(t.name(), new long[rounds]);
      for (int w = 0; w < WARMUP; w++) { // JIT warm-up rounds, not counted
        writes(t.root());
        creates(t.root(), -1 - w);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (Target t : targets) {
        writeNs.get(t.name())[r] = writes(t.root());
        createNs.get(t.name())[r] = creates(t.root(), r);
      }
    }
    System.out.printf("rounds=%d after %d warm-up rounds; ratio = best round of target /"
        + " best round of baseline%n", rounds, WARMUP);
    report("4 KiB sequential write (FileChannel.write, no fsync)", writeNs, WRITES);
    report("small-file create (Files.write of 100 bytes to a new file)", createNs, FILES);
    for (Target t : targets) {
      t.closer().close();
    }
  }

  private static long writes(Path root) throws IOException {
    ByteBuffer block = ByteBuffer.allocate(4096);
    long start = System.nanoTime();
    try (FileChannel ch = FileChannel.open(root.resolve("seq"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int i = 0; i < WRITES; i++) {
        block.clear();
        ch.write(block);
      }
    }
    return System.nanoTime() - start;
  }

  private static long creates(Path root, int round) throws IOException {
    Path dir = root.resolve("small" + (round < 0 ? "w" + -round : round));
    Files.createDirectory(dir);
    byte[] data = new byte[100];
    long start = System.nanoTime();
    for (int i = 0; i < FILES; i++) {
      Files.write(dir.resolve("f" + i), data);
    }
    long ns = System.nanoTime() - start;
    deleteTree(dir);
    return ns;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private static void report(String title, Map<String, long[]> ns, int ops) {
    System.out.println();
    System.out.println(title);
    double jimfs = best(ns.get("jimfs")) / ops;
    double tmpfs = best(ns.get("tmpfs (default fs)")) / ops;
    System.out.printf("  %-20s %12s %12s %10s %10s%n", "target", "median us/op", "best us/op",
        "vs jimfs", "vs tmpfs");
    for (Map.Entry<String, long[]> e : ns.entrySet()) {
      double per = best(e.getValue()) / ops;
      System.out.printf("  %-20s %12.2f %12.2f %9.1fx %9.1fx%n", e.getKey(),
          median(e.getValue()) / ops / 1000, per / 1000, per / jimfs, per / tmpfs);
    }
  }

  /** The least disturbed round: on a shared machine, the closest to the cost itself. */
  private static double best(long[] xs) {
    return Arrays.stream(xs).min().orElseThrow();
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
