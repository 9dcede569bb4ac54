package org.vfsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.Vfs;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class MachineTest {
  /**
   * A power cut loses RAM: a filesystem that lives only in the page cache comes back empty, as
   * after a reboot, rather than with its files' sizes and no data (bytes nobody wrote). Mount
   * points stay usable.
   */
  @Test
  void powerCutEmptiesPageCacheOnlyFilesystemsAndKeepsMountPoints() {
    Machine m = Machine.boot();
    m.mount(new RamfsType(), null, "size=1m", "/mnt");
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    for (String path : new String[] {"/f", "/mnt/g"}) {
      int fd = sys.open(path, Fcntl.O_CREAT | Fcntl.O_RDWR);
      sys.pwriteBytes(fd, new byte[] {1, 2, 3}, 0);
    }
    m.powerCut();
    Syscalls after = m.syscalls(m.spawn("t2").mainTask());
    for (String path : new String[] {"/f", "/mnt/g"}) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> after.stat(path));
      assertEquals(Errno.ENOENT, e.errno(), path);
    }
    int fd = after.open("/mnt/h", Fcntl.O_CREAT | Fcntl.O_RDWR);
    after.pwriteBytes(fd, new byte[] {4}, 0);
    assertEquals(1, after.fstat(fd).size());
    assertTrue(m.vfs().mounts().stream().anyMatch(x -> x.path().equals("/mnt")));
    for (Vfs.Mount x : m.vfs().mounts()) {
      assertTrue(x.sb().fsck().isClean(), x.path() + ": " + x.sb().fsck());
    }
  }
}
