package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class SmokeTest {
  @Test
  void writeReadRoundTripThroughUserMemory() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    long buf = sys.mmapAnonymous(3 * 4096);
    byte[] data = new byte[10000];
    Arrays.fill(data, (byte) 7);
    sys.store(buf, data);
    assertEquals(9995, sys.pwrite(fd, buf + 5, 10000 - 5, 100));
    assertEquals(10095, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 200, 0);
    assertEquals(0, back[99]);
    assertEquals(7, back[100]);
  }

  @Test
  void sourceIsMmapOfSamePage() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    byte[] init = new byte[8192];
    for (int i = 0; i < init.length; i++) {
      init[i] = (byte) i;
    }
    sys.pwriteBytes(fd, init, 0);
    long map = sys.mmap(0, 8192, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(100, sys.pwrite(fd, map + 10, 100, 20));
    byte[] back = sys.preadBytes(fd, 200, 0);
    for (int i = 0; i < 100; i++) {
      assertEquals((byte) (10 + i), back[20 + i]);
    }
  }

  @Test
  void halfMappedSourceGivesPartialThenEfault() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    long buf = sys.mmapAnonymous(2 * 4096);
    sys.munmap(buf + 4096, 4096);
    assertEquals(4096, sys.pwrite(fd, buf, 8192, 0));
    ErrnoException e = assertThrows(ErrnoException.class, () -> sys.pwrite(fd, buf + 4096, 10, 4096));
    assertEquals(Errno.EFAULT, e.errno());
    assertArrayEquals(new byte[4096], sys.preadBytes(fd, 4096, 0));
  }
}
