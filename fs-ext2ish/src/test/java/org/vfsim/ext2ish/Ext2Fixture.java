package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FsckReport;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/** A machine with an ext2ish filesystem mounted at /mnt, and helpers the tests share. */
final class Ext2Fixture {
  final Machine machine;
  final BlockDevice dev;
  final Ext2ishType type = new Ext2ishType();
  Ext2ishSuperBlock sb;
  Syscalls sys;

  Ext2Fixture(long bytes, int blockSize, boolean dataless, String mkfsOpts, String mountOpts) {
    this(Machine.boot(), bytes, blockSize, dataless, mkfsOpts, mountOpts);
  }

  Ext2Fixture(Machine machine, long bytes, int blockSize, boolean dataless, String mkfsOpts,
      String mountOpts) {
    this.machine = machine;
    this.dev = machine.newDevice("sda", bytes, blockSize, dataless);
    machine.mkfs(type, dev, mkfsOpts);
    this.sb = (Ext2ishSuperBlock) machine.mount(type, dev, mountOpts, "/mnt");
    this.sys = machine.syscalls(machine.spawn("test").mainTask());
  }

  static Ext2Fixture small() {
    return new Ext2Fixture(16L << 20, 4096, false, "", "");
  }

  /** Re-reads the superblock after a power cut replaced it. */
  void afterPowerCut() {
    sb = (Ext2ishSuperBlock) machine.vfs().resolve("/mnt").superBlock();
    sys = machine.syscalls(machine.spawn("after").mainTask());
  }

  int create(String name) {
    return sys.open("/mnt/" + name, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
  }

  static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (seed * 31 + i * 7 + (i >> 9));
    }
    return b;
  }

  void assertFsckClean() {
    FsckReport r = sb.fsck();
    assertTrue(r.isClean(), () -> "fsck: " + r);
  }

  long freeBlocks() {
    return sb.statfs().bfree();
  }

  List<FiemapExtent> fiemap(int fd) {
    return sys.fiemap(fd, 0, 0, 1);
  }

  /** Blocks of the file in logical order, from the block map. */
  long[] blocksOf(String name) {
    Ext2ishInode inode = (Ext2ishInode) machine.vfs().resolve("/mnt/" + name);
    int bs = sb.geo.blockSize;
    long n = (inode.size() + bs - 1) / bs;
    long[] out = new long[(int) n];
    synchronized (sb.lock) {
      for (int i = 0; i < n; i++) {
        out[i] = sb.map.lookup(inode.rec, i);
      }
    }
    return out;
  }

  /** Runs {@code op} as another thread of {@code t}'s process and waits for it (a staged race). */
  static void onOtherThread(Ext2Fixture fx, org.vfsim.kernel.Task t,
      java.util.function.Consumer<Syscalls> op) {
    org.vfsim.kernel.Task other = t.process().newThread("other");
    RuntimeException[] err = new RuntimeException[1];
    Thread th = new Thread(() -> {
      try {
        op.accept(fx.machine.syscalls(other));
      } catch (RuntimeException e) {
        err[0] = e;
      }
    });
    th.start();
    try {
      th.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    if (err[0] != null) {
      throw err[0];
    }
  }
}
