package org.vfsim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.plugin.PluginRegistry;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * How the simulator scales with the number of files: the many-files script (create, write
 * 16 KiB, fsync, close) on every plugin at several file counts, printing wall time per file,
 * and an aging run whose figure is the heap a dataless device needs. Not a timed test: compare
 * the per-file times of one run with each other (the goal is 64,000 files within 1.5x of
 * 1,000), and with a kernel run on the same machine.
 *
 * <pre>
 * java -cp vfs-bench/target/benchmarks.jar org.vfsim.bench.ScaleBenchmark [options]
 *   --files N,N,...   file counts (default 1000,8000,64000)
 *   --fs A,B,...      plugins (default: every plugin on a block device)
 *   --budget SECONDS  stop a run that takes longer, reporting how far it got (default 300)
 *   --data            keep file data on the device (default: dataless, metadata only)
 *   --aging           instead: 1 TiB dataless device, --files small files created (default
 *                     1,000,000), half deleted; prints the heap in use (run with -Xmx4g)
 * </pre>
 */
public final class ScaleBenchmark {
  private static final int FILE_BYTES = 16 * 1024;
  private static final int AGING_FILE_BYTES = 4096;
  private static final int FILES_PER_DIRECTORY = 1000;

  private ScaleBenchmark() {}

  /** One run's outcome: how many files it did in how long, or why it stopped. */
  record Run(String fs, int wanted, int done, long nanos, String stopped) {
    double microsPerFile() {
      return done == 0 ? Double.NaN : nanos / 1000.0 / done;
    }
  }

  public static void main(String[] args) {
    List<Integer> counts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    long budgetSeconds = 300;
    boolean data = false;
    boolean aging = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> {
          for (String n : args[++i].split(",")) {
            counts.add(Integer.parseInt(n.replace("_", "")));
          }
        }
        case "--fs" -> names.addAll(List.of(args[++i].split(",")));
        case "--budget" -> budgetSeconds = Long.parseLong(args[++i]);
        case "--data" -> data = true;
        case "--aging" -> aging = true;
        default -> {
          System.err.println("ScaleBenchmark: unknown argument " + args[i]
              + " (see the class documentation or vfs-bench/README.md)");
          System.exit(2);
        }
      }
    }
    PluginRegistry registry = new PluginRegistry(Map.of());
    List<FileSystemType> types = new ArrayList<>();
    for (FileSystemType t : registry.all().values()) {
      if (t.has(Capability.BLOCK_DEVICE) && (names.isEmpty() || names.contains(t.name()))) {
        types.add(t);
      }
    }
    long budget = budgetSeconds * 1_000_000_000L;
    if (aging) {
      int files = counts.isEmpty() ? 1_000_000 : counts.get(0);
      for (FileSystemType t : types) {
        age(t, files, budget);
      }
      return;
    }
    if (counts.isEmpty()) {
      counts.addAll(List.of(1000, 8000, 64000));
    }
    System.out.printf(Locale.ROOT, "many-files script: create, write 16 KiB, fsync, close;"
        + " %d files per directory; %s device; budget %d s per run%n", FILES_PER_DIRECTORY,
        data ? "data-keeping" : "dataless", budgetSeconds);
    System.out.printf(Locale.ROOT, "%-10s %8s %8s %10s %12s  %s%n", "fs", "files", "done",
        "seconds", "us/file", "note");
    for (FileSystemType t : types) {
      Run first = null;
      for (int n : counts) {
        Run r = manyFiles(t, n, data, budget);
        if (first == null) {
          first = r;
        }
        System.out.printf(Locale.ROOT, "%-10s %8d %8d %10.2f %12.1f  %s%n", r.fs(), r.wanted(),
            r.done(), r.nanos() / 1e9, r.microsPerFile(),
            r.stopped().isEmpty() && r != first
                ? String.format(Locale.ROOT, "%.2fx the first count's time per file",
                    r.microsPerFile() / first.microsPerFile())
                : r.stopped());
        System.out.flush();
      }
    }
  }

  private static String path(int i) {
    return "/mnt/d" + (i / FILES_PER_DIRECTORY) + "/f" + i;
  }

  /** A fresh machine with {@code type} made and mounted on a device of {@code bytes}. */
  private static Syscalls mount(FileSystemType type, long bytes, boolean dataless) {
    Machine m = Machine.boot();
    BlockDevice dev = m.newDevice(type.name(), bytes, 4096, dataless);
    m.mkfs(type, dev, "");
    m.mount(type, dev, "", "/mnt");
    return m.syscalls(m.spawn("bench").mainTask());
  }

  static Run manyFiles(FileSystemType type, int files, boolean data, long budgetNanos) {
    // Room for the data twice over, at least 1 GiB (vfsim io's default size).
    long bytes = Math.max(1L << 30, 2L * files * FILE_BYTES);
    Syscalls sys = mount(type, bytes, !data);
    byte[] buf = new byte[FILE_BYTES];
    java.util.Arrays.fill(buf, (byte) 0x5a);
    long start = System.nanoTime();
    int done = 0;
    String stopped = "";
    try {
      for (int i = 0; i < files; i++) {
        if (i % FILES_PER_DIRECTORY == 0) {
          sys.mkdir("/mnt/d" + (i / FILES_PER_DIRECTORY), 0755);
        }
        int fd = sys.open(path(i), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
        sys.pwriteBytes(fd, buf, 0);
        sys.fsync(fd);
        sys.close(fd);
        done++;
        if (System.nanoTime() - start > budgetNanos) {
          stopped = "stopped at the time budget";
          break;
        }
      }
    } catch (RuntimeException e) {
      stopped = "failed: " + e.getMessage();
    }
    return new Run(type.name(), files, done, System.nanoTime() - start, stopped);
  }

  /**
   * The heap a long aging study needs: {@code files} small files on a 1 TiB dataless device,
   * then every other one deleted, then a sync; prints the heap in use after a full GC.
   */
  static void age(FileSystemType type, int files, long budgetNanos) {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "aging %s: 1 TiB dataless device, %,d files of 4 KiB, half"
        + " deleted; max heap %d MiB%n", type.name(), files, rt.maxMemory() >> 20);
    long start = System.nanoTime();
    int created = 0;
    int deleted = 0;
    String outcome = "done";
    try {
      Syscalls sys = mount(type, 1L << 40, true);
      byte[] buf = new byte[AGING_FILE_BYTES];
      for (int i = 0; i < files; i++) {
        if (i % FILES_PER_DIRECTORY == 0) {
          sys.mkdir("/mnt/d" + (i / FILES_PER_DIRECTORY), 0755);
        }
        int fd = sys.open(path(i), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
        sys.pwriteBytes(fd, buf, 0);
        sys.close(fd);
        created++;
        if (System.nanoTime() - start > budgetNanos) {
          outcome = "stopped at the time budget while creating";
          break;
        }
      }
      for (int i = 0; i < created && outcome.equals("done"); i += 2) {
        sys.unlink(path(i));
        deleted++;
        if (System.nanoTime() - start > budgetNanos) {
          outcome = "stopped at the time budget while deleting";
        }
      }
      sys.sync();
      System.gc();
      System.out.printf(Locale.ROOT, "  %s: %,d created, %,d deleted in %.1f s; heap in use"
          + " after GC %d MiB (%.0f bytes per live file)%n", outcome, created, deleted,
          (System.nanoTime() - start) / 1e9, (rt.totalMemory() - rt.freeMemory()) >> 20,
          (double) (rt.totalMemory() - rt.freeMemory()) / Math.max(1, created - deleted));
    } catch (OutOfMemoryError e) {
      System.out.printf(Locale.ROOT, "  OUT OF MEMORY after %,d created, %,d deleted (%.1f s)%n",
          created, deleted, (System.nanoTime() - start) / 1e9);
    } catch (RuntimeException e) {
      System.out.printf(Locale.ROOT, "  failed after %,d created, %,d deleted: %s%n", created,
          deleted, e.getMessage());
    }
    System.out.flush();
  }
}
