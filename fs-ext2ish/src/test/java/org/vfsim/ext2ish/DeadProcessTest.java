package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.vfsim.FilesystemFixture;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * A process opened before a power cut died with the machine: its descriptors and mappings refer
 * to the mount that died, so every call it makes fails with ESRCH instead of showing that
 * mount's inodes (an old fstat once reported the unsynced 4196 bytes where the remounted file
 * had 100).
 */
class DeadProcessTest {
  @Test
  void everyCallOfAProcessFromBeforeTheCutFailsWithEsrch() {
    FilesystemFixture fx = FilesystemFixture.of(new Ext2ishType()).deviceSize(16L << 20).build();
    Syscalls old = fx.sys();
    int fd = old.open(fx.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    old.pwriteBytes(fd, new byte[100], 0);
    old.fsync(fd);
    old.pwriteBytes(fd, new byte[4096], 100);
    long map = old.mmap(0, 8192, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(4196, old.fstat(fd).size());

    fx.powerCut();

    assertEquals(100, fx.sys().stat(fx.path("f")).size(), "the device kept what fsync covered");
    List<Consumer<Syscalls>> calls = List.of(
        s -> s.fstat(fd),
        s -> s.preadBytes(fd, 10, 0),
        s -> s.pwriteBytes(fd, new byte[10], 0),
        s -> s.load(map, 10),
        s -> s.store(map, new byte[10]),
        s -> s.mmap(0, 4096, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0),
        s -> s.open(fx.path("f"), Fcntl.O_RDONLY, 0),
        s -> s.close(fd),
        s -> s.file(fd));
    for (Consumer<Syscalls> call : calls) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> call.accept(old));
      assertEquals(Errno.ESRCH, e.errno(), e.getMessage());
      assertTrue(e.getMessage().contains("died at the power cut"), e.getMessage());
    }
    assertTrue(old.task().process().isDead());
    assertEquals(100, fx.sys().stat(fx.path("f")).size(), "the dead process changed nothing");
    assertTrue(fx.sb().fsck().isClean(), fx.sb().fsck().toString());
  }
}
