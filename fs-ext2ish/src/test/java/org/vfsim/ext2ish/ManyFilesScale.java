package org.vfsim.ext2ish;

import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The many-files scale figure (not a test): for each count given, on a fresh 4 GiB dataless
 * device, create a file, write 16 KiB, fsync, close; prints wall time per file. Run with the
 * test class path: {@code java ... org.vfsim.ext2ish.ManyFilesScale 1000 8000 64000}.
 */
final class ManyFilesScale {
  private ManyFilesScale() {}

  public static void main(String[] args) {
    byte[] data = Ext2Fixture.pattern(16 * 1024, 1);
    for (String a : args) {
      int n = Integer.parseInt(a);
      Machine m = Machine.boot();
      BlockDevice dev = m.newDevice("sda", 4L << 30, 4096, true);
      Ext2ishType type = new Ext2ishType();
      m.mkfs(type, dev, "");
      m.mount(type, dev, "", "/mnt");
      Syscalls sys = m.syscalls(m.spawn("scale").mainTask());
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int fd = sys.open("/mnt/f" + i, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
        sys.writeBytes(fd, data);
        sys.fsync(fd);
        sys.close(fd);
      }
      long ns = System.nanoTime() - t0;
      System.out.printf("ext2ish %,d files: %.2f s, %.1f us per file, %d metadata blocks"
          + " written%n", n, ns / 1e9, ns / 1e3 / n, dev.counters().metadataBlocksWritten());
    }
  }
}
