package org.vfsim.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * {@code mprotect} changes what the page-table entries allow and nothing else; {@code
 * MADV_DONTNEED} drops a private mapping's own pages wherever they are, swap included.
 */
@ExtendWith(LockValidatorExtension.class)
class MprotectMadviseTest {
  private static final int PAGE = Folio.SIZE;
  private static final int RW = Fcntl.PROT_READ | Fcntl.PROT_WRITE;

  private final Machine m = Machine.boot();
  private final Syscalls sys = m.syscalls(m.spawn("t").mainTask());

  private static byte[] fill(int len, int value) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static void assertFaults(Runnable access) {
    ErrnoException e = assertThrows(ErrnoException.class, access::run);
    assertEquals(Errno.EFAULT, e.errno());
  }

  @Test
  void protNoneKeepsAnonymousPagesAndAWriteFromThemWritesTheirBytes() {
    long buf = sys.mmapAnonymous(2 * PAGE);
    byte[] data = fill(2 * PAGE, 0x5a);
    sys.store(buf, data);
    sys.mprotect(buf, 2 * PAGE, Fcntl.PROT_NONE);
    assertFaults(() -> sys.load(buf, 1));
    assertFaults(() -> sys.store(buf + PAGE, new byte[1]));
    sys.mprotect(buf, 2 * PAGE, Fcntl.PROT_READ);
    assertArrayEquals(data, sys.load(buf, 2 * PAGE), "the bytes survive PROT_NONE");
    assertFaults(() -> sys.store(buf, new byte[1]));
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    assertEquals(2 * PAGE, sys.pwrite(fd, buf, 2 * PAGE, 0));
    assertArrayEquals(data, sys.preadBytes(fd, 2 * PAGE, 0), "write(2) wrote the real bytes");
    sys.mprotect(buf, 2 * PAGE, RW);
    sys.store(buf + 10, new byte[] {1});
    byte[] expect = data.clone();
    expect[10] = 1;
    assertArrayEquals(expect, sys.load(buf, 2 * PAGE), "writable again, same page");
  }

  @Test
  void protNoneKeepsAPrivateCopyOfAFilePage() {
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, fill(PAGE, 0x11), 0);
    long map = sys.mmap(0, PAGE, RW, Fcntl.MAP_PRIVATE, fd, 0);
    sys.store(map, fill(100, 0x22));
    sys.mprotect(map, PAGE, Fcntl.PROT_NONE);
    assertFaults(() -> sys.load(map, 1));
    sys.mprotect(map, PAGE, RW);
    byte[] expect = fill(PAGE, 0x11);
    System.arraycopy(fill(100, 0x22), 0, expect, 0, 100);
    assertArrayEquals(expect, sys.load(map, PAGE), "the private copy, not the file's bytes");
    sys.store(map + 200, new byte[] {0x33});
    expect[200] = 0x33;
    assertArrayEquals(expect, sys.load(map, PAGE), "a store after restoring keeps the copy");
    assertArrayEquals(fill(PAGE, 0x11), sys.preadBytes(fd, PAGE, 0), "the file never saw it");
    int out = sys.open("/g", Fcntl.O_CREAT | Fcntl.O_RDWR);
    assertEquals(PAGE, sys.pwrite(out, map, PAGE, 0));
    assertArrayEquals(expect, sys.preadBytes(out, PAGE, 0));
  }

  @Test
  void readOnlyThenWritableReusesThePrivateCopy() {
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, fill(PAGE, 0x11), 0);
    long map = sys.mmap(0, PAGE, RW, Fcntl.MAP_PRIVATE, fd, 0);
    sys.store(map, new byte[] {0x44});
    sys.mprotect(map, PAGE, Fcntl.PROT_READ);
    assertFaults(() -> sys.store(map + 1, new byte[1]));
    sys.mprotect(map, PAGE, RW);
    sys.store(map + 1, new byte[] {0x55});
    assertArrayEquals(new byte[] {0x44, 0x55, 0x11}, sys.load(map, 3));
  }

  @Test
  void dontneedOnAPrivateFileMappingDropsASwappedOutCopy() {
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.pwriteBytes(fd, fill(2 * PAGE, 0x11), 0);
    long map = sys.mmap(0, 2 * PAGE, RW, Fcntl.MAP_PRIVATE, fd, 0);
    sys.store(map, new byte[] {9});
    sys.store(map + PAGE, new byte[] {8});
    Mm mm = sys.task().process().mm();
    mm.reclaimUserPage(map); // the private copy of page 0 goes to swap
    assertFalse(mm.isPresent(map));
    sys.madvise(map, 2 * PAGE, Fcntl.MADV_DONTNEED);
    assertArrayEquals(fill(2 * PAGE, 0x11), sys.load(map, 2 * PAGE),
        "both private copies dropped, the one in swap too: the file's contents show");
  }
}
