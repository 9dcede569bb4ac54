package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.mm.Mm;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * The write-path races of the spec (section 7) on ext2ish: a source that is an mmap of the
 * destination, a source page unmapped or reclaimed between fault-in and copy, a half-mapped
 * source. The lock validator extension fails any test that made a report.
 */
@ExtendWith(LockValidatorExtension.class)
class WritePathScenariosTest {
  private static final int PAGE = 4096;

  /**
   * What generic_perform_write produces for a source inside the destination file: page-sized
   * chunks in order, each copied source page by source page.
   */
  private static void modelWrite(byte[] file, int src, int len, int dst) {
    int done = 0;
    while (done < len) {
      int d = dst + done;
      int chunk = Math.min(len - done, PAGE - (d % PAGE));
      int c = 0;
      while (c < chunk) {
        int s = src + done + c;
        int n = Math.min(chunk - c, PAGE - (s % PAGE));
        System.arraycopy(file, s, file, d + c, n);
        c += n;
      }
      done += chunk;
    }
  }

  @Test
  void sourceIsASharedMmapOfTheSamePage() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    byte[] model = Ext2Fixture.pattern(2 * PAGE, 1);
    fx.sys.pwriteBytes(fd, model, 0);
    long map = fx.sys.mmap(0, 2 * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd,
        0);
    assertEquals(100, fx.sys.pwrite(fd, map + 10, 100, 20));
    modelWrite(model, 10, 100, 20);
    assertArrayEquals(model, fx.sys.preadBytes(fd, 2 * PAGE, 0));
    fx.assertFsckClean();
  }

  @Test
  void sourceIsASharedMmapOfAHoleOfTheDestination() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    fx.sys.ftruncate(fd, 2 * PAGE);
    long map = fx.sys.mmap(0, 2 * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd,
        0);
    byte[] model = new byte[2 * PAGE];
    byte[] stored = Ext2Fixture.pattern(300, 2);
    fx.sys.store(map + PAGE + 50, stored); // page_mkwrite allocates the block
    System.arraycopy(stored, 0, model, PAGE + 50, 300);
    assertEquals(1, fx.blocksOf("f")[1] != 0 ? 1 : 0);
    assertEquals(300, fx.sys.pwrite(fd, map + PAGE + 50, 300, PAGE + 10));
    modelWrite(model, PAGE + 50, 300, PAGE + 10);
    assertArrayEquals(model, fx.sys.preadBytes(fd, 2 * PAGE, 0));
    fx.sys.msync(map, 2 * PAGE, Fcntl.MS_SYNC);
    fx.sys.fsync(fd);
    fx.machine.pageCache().dropCleanPages();
    fx.sys.munmap(map, 2 * PAGE);
    fx.machine.pageCache().dropCleanPages();
    assertArrayEquals(model, fx.sys.preadBytes(fd, 2 * PAGE, 0), "from disk");
    fx.assertFsckClean();
  }

  @Test
  void overlappingSourceAndDestinationPages() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    byte[] model = Ext2Fixture.pattern(4 * PAGE, 3);
    fx.sys.pwriteBytes(fd, model, 0);
    long map = fx.sys.mmap(0, 4 * PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(6000, fx.sys.pwrite(fd, map + 100, 6000, 2000));
    modelWrite(model, 100, 6000, 2000);
    assertEquals(5000, fx.sys.pwrite(fd, map + 7000, 5000, 3000));
    modelWrite(model, 7000, 5000, 3000);
    assertArrayEquals(model, fx.sys.preadBytes(fd, 4 * PAGE, 0));
    fx.assertFsckClean();
  }

  @Test
  void sourcePageReclaimedBetweenFaultInAndCopyStillWritesTheRightBytes() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    long buf = fx.sys.mmapAnonymous(3 * PAGE);
    byte[] data = Ext2Fixture.pattern(3 * PAGE, 4);
    fx.sys.store(buf, data);
    Mm mm = fx.sys.task().process().mm();
    AtomicInteger fired = new AtomicInteger();
    Runnable remove = fx.machine.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      if (fired.incrementAndGet() <= 3) {
        mm.reclaimUserPage(buf + (fired.get() - 1) * (long) PAGE); // swapped out
      }
    });
    assertEquals(3 * PAGE, fx.sys.pwrite(fd, buf, 3 * PAGE, 0));
    remove.run();
    assertTrue(fired.get() > 3, "each reclaimed page made the copy short and the loop retry");
    assertArrayEquals(data, fx.sys.preadBytes(fd, 3 * PAGE, 0));
    assertEquals(3, fx.blocksOf("f").length);
    fx.assertFsckClean();
  }

  @Test
  void sourceUnmappedByAnotherTaskGivesAPartialWriteThenEfault() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    long free0 = fx.freeBlocks();
    long buf = fx.sys.mmapAnonymous(3 * PAGE);
    byte[] data = Ext2Fixture.pattern(3 * PAGE, 5);
    fx.sys.store(buf, data);
    AtomicInteger fired = new AtomicInteger();
    Runnable remove = fx.machine.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      if (fired.incrementAndGet() == 2) {
        Ext2Fixture.onOtherThread(fx, t, s -> s.munmap(buf + PAGE, 2 * PAGE));
      }
    });
    assertEquals(PAGE, fx.sys.pwrite(fd, buf, 3 * PAGE, 0));
    remove.run();
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.sys.pwrite(fd, buf + PAGE, PAGE, PAGE));
    assertEquals(Errno.EFAULT, e.errno());
    assertArrayEquals(java.util.Arrays.copyOf(data, PAGE), fx.sys.preadBytes(fd, 2 * PAGE, 0));
    assertEquals(free0 - 1, fx.freeBlocks(), "no block left past EOF");
    fx.assertFsckClean();
  }

  @Test
  void halfMappedSourceGivesAPartialCountThenEfault() {
    Ext2Fixture fx = new Ext2Fixture(8L << 20, 1024, false, "", "");
    int fd = fx.create("f");
    long buf = fx.sys.mmapAnonymous(2 * PAGE);
    byte[] data = Ext2Fixture.pattern(PAGE, 6);
    fx.sys.store(buf, data);
    fx.sys.munmap(buf + PAGE, PAGE);
    // Unaligned destination: the first page gets PAGE - 500 bytes, the second 500 more.
    assertEquals(PAGE, fx.sys.pwrite(fd, buf, 2 * PAGE, 500));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.sys.pwrite(fd, buf + PAGE, 10, 500 + PAGE));
    assertEquals(Errno.EFAULT, e.errno());
    byte[] expect = new byte[500 + PAGE];
    System.arraycopy(data, 0, expect, 500, PAGE);
    assertArrayEquals(expect, fx.sys.preadBytes(fd, 500 + PAGE, 0));
    fx.assertFsckClean();
  }
}
