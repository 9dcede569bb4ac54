package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FsckReport;
import org.vfsim.kernel.UserProcess;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/** A machine with one btrfsish filesystem mounted at /mnt and a process to drive it. */
final class Rig {
  static final int PAGE = 4096;
  final Machine m;
  final BlockDevice dev;
  final BtrfsishType type = new BtrfsishType();
  final UserProcess proc;
  final Syscalls sys;

  Rig(long devBytes, String mkfsOpts, String mountOpts) {
    m = Machine.boot();
    dev = m.newDevice("sda", devBytes, 4096, false);
    m.mkfs(type, dev, mkfsOpts);
    m.mount(type, dev, mountOpts, "/mnt");
    proc = m.spawn("t");
    sys = m.syscalls(proc.mainTask());
  }

  Rig(String mountOpts) {
    this(64L << 20, "", mountOpts);
  }

  BtrfsFs fs() {
    return (BtrfsFs) m.vfs().resolve("/mnt").superBlock();
  }

  BtrfsInode inode(String path) {
    return (BtrfsInode) m.vfs().resolve(path);
  }

  int create(String path) {
    return sys.open(path, Fcntl.O_CREAT | Fcntl.O_RDWR);
  }

  long counter(String name) {
    Long v = fs().counters().get(name);
    if (v == null) {
      throw new IllegalArgumentException(name);
    }
    return v;
  }

  void assertClean() {
    FsckReport r = fs().fsck();
    assertTrue(r.isClean(), () -> "fsck: " + r);
    BtrfsFs f = fs();
    synchronized (f) {
      assertTrue(f.data.used + f.data.reserved + f.data.mayUse + f.data.pinned + f.data.readonly
          + f.data.unclaimed() == f.data.total, f.data::toString);
    }
  }

  static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (seed * 31 + i * 7 + (i >>> 12));
    }
    return b;
  }
}
