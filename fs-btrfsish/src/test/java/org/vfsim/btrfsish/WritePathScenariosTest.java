package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/** The write-path races of spec section 7, on btrfsish's perform_write, one page or four per chunk. */
@ExtendWith(LockValidatorExtension.class)
class WritePathScenariosTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void sourceIsMmapOfTheSamePage(int chunk) {
    Rig r = new Rig("max_chunk_pages=" + chunk);
    int fd = r.create("/mnt/f");
    byte[] init = new byte[8192];
    for (int i = 0; i < init.length; i++) {
      init[i] = (byte) i;
    }
    r.sys.pwriteBytes(fd, init, 0);
    long map = r.sys.mmap(0, 8192, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(100, r.sys.pwrite(fd, map + 10, 100, 20));
    byte[] back = r.sys.preadBytes(fd, 200, 0);
    for (int i = 0; i < 100; i++) {
      assertEquals((byte) (10 + i), back[20 + i]);
    }
    r.assertClean();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void sourceOverlapsTheDestinationAcrossPages(int chunk) {
    Rig r = new Rig("max_chunk_pages=" + chunk);
    int fd = r.create("/mnt/f");
    byte[] init = Rig.pattern(3 * Rig.PAGE, 5);
    r.sys.pwriteBytes(fd, init, 0);
    long map = r.sys.mmap(0, 3 * Rig.PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0);
    // Destination [100, 100+8000) from source [3000, 11000): straddles three pages each.
    assertEquals(8000, r.sys.pwrite(fd, map + 3000, 8000, 100));
    byte[] expect = init.clone();
    // The copy runs forward, so a source byte already overwritten is read back overwritten.
    for (int i = 0; i < 8000; i++) {
      expect[100 + i] = expect[3000 + i];
    }
    assertArrayEquals(expect, r.sys.preadBytes(fd, 3 * Rig.PAGE, 0));
    r.assertClean();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void sourceUnmappedBetweenFaultInAndCopyRetriesThenFails(int chunk) {
    Rig r = new Rig("max_chunk_pages=" + chunk);
    int fd = r.create("/mnt/f");
    long buf = r.sys.mmapAnonymous(2 * Rig.PAGE);
    r.sys.store(buf, Rig.pattern(2 * Rig.PAGE, 6));
    Syscalls other = r.m.syscalls(r.proc.newThread("unmapper"));
    int[] copies = new int[1];
    r.m.hooks().install(HookPoint.BEFORE_ATOMIC_COPY, t -> copies[0]++);
    // The second source page is unmapped after it was faulted in: partial write, no EFAULT.
    r.m.hooks().once(HookPoint.AFTER_FAULT_IN, r.sys.task(),
        t -> other.munmap(buf + Rig.PAGE, Rig.PAGE));
    assertEquals(Rig.PAGE, r.sys.pwrite(fd, buf, 2 * Rig.PAGE, 0));
    assertArrayEquals(Arrays.copyOf(Rig.pattern(2 * Rig.PAGE, 6), Rig.PAGE),
        r.sys.preadBytes(fd, 2 * Rig.PAGE, 0));
    assertEquals(Rig.PAGE, r.sys.fstat(fd).size());
    r.assertClean();
    // Now nothing is faultable: EFAULT.
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> r.sys.pwrite(fd, buf + Rig.PAGE, 10, Rig.PAGE));
    assertEquals(Errno.EFAULT, e.errno());
    r.m.hooks().clear();
    r.assertClean();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void zappedSourceIsRefaultedAndTheWriteCompletes(int chunk) {
    Rig r = new Rig("max_chunk_pages=" + chunk);
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(2 * Rig.PAGE, 1), 0);
    int src = r.create("/mnt/src");
    byte[] data = Rig.pattern(2 * Rig.PAGE, 7);
    r.sys.pwriteBytes(src, data, 0);
    long map = r.sys.mmap(0, 2 * Rig.PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, src, 0);
    Syscalls other = r.m.syscalls(r.proc.newThread("reclaim"));
    r.m.hooks().once(HookPoint.BEFORE_ATOMIC_COPY, r.sys.task(),
        t -> other.madvise(map, 2 * Rig.PAGE, Fcntl.MADV_DONTNEED));
    assertEquals(2 * Rig.PAGE - 100, r.sys.pwrite(fd, map + 100, 2 * Rig.PAGE - 100, 50));
    byte[] expect = Rig.pattern(2 * Rig.PAGE, 1);
    System.arraycopy(data, 100, expect, 50, 2 * Rig.PAGE - 100);
    assertArrayEquals(expect, r.sys.preadBytes(fd, 2 * Rig.PAGE, 0));
    r.assertClean();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void halfMappedSourceGivesPartialThenEfault(int chunk) {
    Rig r = new Rig("max_chunk_pages=" + chunk);
    int fd = r.create("/mnt/f");
    long buf = r.sys.mmapAnonymous(2 * 4096);
    r.sys.munmap(buf + 4096, 4096);
    assertEquals(4096, r.sys.pwrite(fd, buf, 8192, 0));
    ErrnoException e = assertThrows(ErrnoException.class, () -> r.sys.pwrite(fd, buf + 4096, 10, 4096));
    assertEquals(Errno.EFAULT, e.errno());
    assertArrayEquals(new byte[4096], r.sys.preadBytes(fd, 4096, 0));
    r.assertClean();
  }
}
