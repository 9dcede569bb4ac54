package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Vfs;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/** A machine with one xfsish filesystem mounted at /mnt, and the checks every test repeats. */
final class XfsFixture {
  final Machine m;
  final BlockDevice dev;
  final XfsishType type = new XfsishType();
  Syscalls sys;
  XfsSuperBlock sb;

  XfsFixture(long deviceBytes, boolean dataless, String mkfsOpts, String mountOpts) {
    this(Configuration.defaults(), deviceBytes, dataless, mkfsOpts, mountOpts);
  }

  XfsFixture(Configuration config, long deviceBytes, boolean dataless, String mkfsOpts,
      String mountOpts) {
    this(config, deviceBytes, dataless, mkfsOpts, mountOpts, 4096);
  }

  XfsFixture(Configuration config, long deviceBytes, boolean dataless, String mkfsOpts,
      String mountOpts, int blockSize) {
    m = Machine.boot(config);
    dev = m.newDevice("sda", deviceBytes, blockSize, dataless);
    m.mkfs(type, dev, mkfsOpts);
    sb = (XfsSuperBlock) m.mount(type, dev, mountOpts, "/mnt");
    sys = m.syscalls(m.spawn("t").mainTask());
  }

  /** The superblock now mounted (a power cut replaces it). */
  XfsSuperBlock current() {
    for (Vfs.Mount mt : m.vfs().mounts()) {
      if (mt.path().equals("/mnt")) {
        sb = (XfsSuperBlock) mt.sb();
      }
    }
    return sb;
  }

  int create(String name) {
    return sys.open("/mnt/" + name, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
  }

  XfsInode inode(String name) {
    return (XfsInode) sys.inode("/mnt/" + name);
  }

  /** fsck clean and free + reserved + used == total: the syscall-boundary invariant. */
  void check() {
    XfsSuperBlock s = current();
    FsckReport r = s.fsck();
    assertTrue(r.isClean(), () -> "fsck: " + r);
    XfsSuperBlock.Space sp = s.space();
    assertEquals(sp.total(), sp.free() + sp.reservedData() + sp.reservedIndlen() + sp.used(),
        () -> "space does not balance: " + sp);
  }

  /** Extents as filefrag counts them: a new one wherever the physical block does not follow. */
  static int filefragExtents(List<FiemapExtent> map) {
    int n = 0;
    long nextPhys = -1;
    long nextLogical = -1;
    for (FiemapExtent e : map) {
      if (e.physical() != nextPhys || e.logical() != nextLogical) {
        n++;
      }
      nextPhys = e.physical() + e.length();
      nextLogical = e.logical() + e.length();
    }
    return n;
  }

  static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (i * 31 + seed * 7 + (i >> 12));
    }
    return b;
  }
}
