package org.vfsim.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class MmTest {
  private static final int PAGE = Folio.SIZE;

  @Test
  void aPrivateCopyOfAFilePageSurvivesReclaimToSwap() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, new byte[PAGE], 0);
    long map = sys.mmap(0, PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_PRIVATE, fd, 0);
    sys.store(map, new byte[] {9});
    Mm mm = sys.task().process().mm();
    mm.reclaimUserPage(map);
    assertFalse(mm.isPresent(map));
    assertArrayEquals(new byte[] {9}, sys.load(map, 1), "the private copy, not the file's byte");
    assertArrayEquals(new byte[] {0}, sys.preadBytes(fd, 1, 0), "the file never saw it");
  }

  @Test
  void accessesOutsideAnyVmaOrAgainstProtectionFault() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    long buf = sys.mmapAnonymous(2 * PAGE);
    sys.mprotect(buf, PAGE, Fcntl.PROT_READ);
    assertEquals(Errno.EFAULT,
        assertThrows(ErrnoException.class, () -> sys.store(buf, new byte[1])).errno());
    assertArrayEquals(new byte[1], sys.load(buf, 1));
    sys.munmap(buf, 2 * PAGE);
    assertEquals(Errno.EFAULT,
        assertThrows(ErrnoException.class, () -> sys.load(buf + PAGE, 1)).errno());
  }
}
