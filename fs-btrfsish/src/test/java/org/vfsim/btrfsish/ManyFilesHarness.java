package org.vfsim.btrfsish;

import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.kernel.UserProcess;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The many-files figure for btrfsish (not a test): for each count, on a fresh 4 GiB device,
 * creates a file, writes 16 KiB, fsyncs and closes it, and prints the wall time per file and
 * the tree nodes written per commit and per fsync. Run by hand (test class path, arguments:
 * the file counts); the official scale benchmark lives in vfs-bench.
 */
final class ManyFilesHarness {
  private ManyFilesHarness() {}

  public static void main(String[] args) {
    int[] counts = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt)
        .toArray() : new int[] {1000, 8000, 64000};
    byte[] data = new byte[16384];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7 + 1);
    }
    for (int n : counts) {
      // -Dmem=BYTES gives the machine that much memory, so that page reclaim (whose cost is
      // vfs-api's, not the filesystem's) stays out of the figure.
      long mem = Long.getLong("mem", 0);
      Machine m = mem > 0
          ? Machine.boot(org.vfsim.Configuration.builder().memoryBytes(mem).build())
          : Machine.boot();
      BlockDevice dev = m.newDevice("sda", 4L << 30, 4096, false);
      BtrfsishType type = new BtrfsishType();
      m.mkfs(type, dev, "");
      m.mount(type, dev, "", "/mnt");
      UserProcess p = m.spawn("t");
      Syscalls sys = m.syscalls(p.mainTask());
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int fd = sys.open("/mnt/f" + i, Fcntl.O_CREAT | Fcntl.O_RDWR);
        sys.pwriteBytes(fd, data, 0);
        sys.fsync(fd);
        sys.close(fd);
      }
      long t1 = System.nanoTime();
      sys.sync();
      BtrfsFs fs = (BtrfsFs) m.vfs().resolve("/mnt").superBlock();
      var c = fs.counters();
      System.out.printf("btrfsish many-files %6d files: %8.1f us/file, %.1f s total; commits %d "
          + "(%d forced by log space), tree nodes written %d (%.1f per commit, last sync %d), "
          + "log syncs %d, log nodes %d (%.2f per fsync), fs tree height %d%n",
          n, (t1 - t0) / 1e3 / n, (t1 - t0) / 1e9, c.get("commits"), c.get("log_forced_commits"),
          c.get("tree_nodes_written"), (double) c.get("tree_nodes_written") / c.get("commits"),
          c.get("nodes_written_last_commit"), c.get("log_syncs"), c.get("log_nodes_written"),
          (double) c.get("log_nodes_written") / Math.max(1, c.get("log_syncs")),
          c.get("fs_tree_height"));
    }
  }
}
