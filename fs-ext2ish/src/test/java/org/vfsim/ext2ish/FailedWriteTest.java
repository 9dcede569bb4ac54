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
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/** Short and failed writes leave no block past EOF (ext2_write_failed) and consistent counts. */
@ExtendWith(LockValidatorExtension.class)
class FailedWriteTest {
  private static final int PAGE = 4096;

  @Test
  void halfMappedSourceWritesThePrefixThenEfault() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    long free0 = fx.freeBlocks();
    long buf = fx.sys.mmapAnonymous(2 * PAGE);
    byte[] data = Ext2Fixture.pattern(PAGE, 1);
    fx.sys.store(buf, data);
    fx.sys.munmap(buf + PAGE, PAGE);
    assertEquals(PAGE, fx.sys.pwrite(fd, buf, 2 * PAGE, 0));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.sys.pwrite(fd, buf + PAGE, 100, PAGE));
    assertEquals(Errno.EFAULT, e.errno());
    assertEquals(PAGE, fx.sys.fstat(fd).size());
    assertEquals(free0 - 1, fx.freeBlocks(), "exactly the one written block is allocated");
    assertArrayEquals(data, fx.sys.preadBytes(fd, PAGE, 0));
    fx.assertFsckClean();
  }

  /**
   * The source page vanishes after fault-in: write_begin already allocated the block, the copy
   * gets nothing, write_end commits nothing and ext2_write_failed frees the block past EOF.
   */
  @Test
  void sourceUnmappedAfterFaultInFreesTheBlockWriteBeginAllocated() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    long free0 = fx.freeBlocks();
    long buf = fx.sys.mmapAnonymous(2 * PAGE);
    fx.sys.store(buf, Ext2Fixture.pattern(2 * PAGE, 2));
    AtomicInteger faultIns = new AtomicInteger();
    fx.machine.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      if (faultIns.incrementAndGet() == 2) {
        Ext2Fixture.onOtherThread(fx, t, s -> s.munmap(buf + PAGE, PAGE));
      }
    });
    assertEquals(PAGE, fx.sys.pwrite(fd, buf, 2 * PAGE, 0));
    fx.machine.hooks().clear();
    assertTrue(fx.sb.counters().get("write_failed_truncates") >= 1);
    assertEquals(2, fx.sb.counters().get("alloc_calls"), "block 1 was allocated, then freed");
    assertEquals(free0 - 1, fx.freeBlocks());
    assertEquals(1, fx.blocksOf("f").length);
    fx.assertFsckClean();
  }

  @Test
  void enospcFromTheAllocatorReturnsWhatWasWritten() {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    long free0 = fx.freeBlocks();
    AtomicInteger calls = new AtomicInteger();
    fx.machine.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      if (calls.incrementAndGet() == 4) {
        throw Errno.ENOSPC.exception("injected");
      }
    });
    byte[] data = Ext2Fixture.pattern(6 * PAGE, 3);
    assertEquals(3 * PAGE, fx.sys.pwriteBytes(fd, data, 0));
    assertEquals(3 * PAGE, fx.sys.fstat(fd).size());
    assertEquals(free0 - 3, fx.freeBlocks());
    fx.assertFsckClean();
    fx.machine.hooks().clear();
    assertEquals(3 * PAGE, fx.sys.pwriteBytes(fd, java.util.Arrays.copyOfRange(data, 3 * PAGE,
        6 * PAGE), 3 * PAGE));
    assertArrayEquals(data, fx.sys.preadBytes(fd, 6 * PAGE, 0));
    fx.assertFsckClean();
  }

  /** With 1 KiB blocks a page needs four allocations; failing the third frees the first two. */
  @Test
  void enospcInsideAPageOfSmallBlocksFreesThePagesNewBlocks() {
    Ext2Fixture fx = new Ext2Fixture(8L << 20, 1024, false, "", "");
    int fd = fx.create("f");
    long free0 = fx.freeBlocks();
    AtomicInteger calls = new AtomicInteger();
    fx.machine.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      if (calls.incrementAndGet() == 7) {
        throw Errno.ENOSPC.exception("injected");
      }
    });
    byte[] data = Ext2Fixture.pattern(3 * PAGE, 4);
    assertEquals(PAGE, fx.sys.pwriteBytes(fd, data, 0));
    assertEquals(PAGE, fx.sys.fstat(fd).size());
    assertEquals(free0 - 4, fx.freeBlocks(), "blocks 4 and 5 freed again");
    assertEquals(2, fx.sb.counters().get("truncated_blocks"));
    fx.assertFsckClean();
  }

  @Test
  void fillingTheDeviceGivesAPartialWriteThenEnospcAndUnlinkFreesEverything() {
    Ext2Fixture fx = new Ext2Fixture(4L << 20, 4096, false, "", "");
    long free0 = fx.freeBlocks();
    int fd = fx.create("big");
    byte[] chunk = Ext2Fixture.pattern(64 * 1024, 5);
    long total = 0;
    long n;
    while ((n = fx.sys.writeBytes(fd, chunk)) == chunk.length) {
      total += n;
    }
    assertTrue(n > 0 && n < chunk.length, "last write partial: " + n);
    total += n;
    assertEquals(0, fx.freeBlocks());
    ErrnoException e = assertThrows(ErrnoException.class, () -> fx.sys.writeBytes(fd, chunk));
    assertEquals(Errno.ENOSPC, e.errno());
    assertEquals(total, fx.sys.fstat(fd).size());
    // Every free block went to data or to the file's indirect blocks.
    long dataBlocks = total / PAGE;
    assertEquals(free0, dataBlocks + fx.sb.geo.indirectFor(dataBlocks));
    fx.assertFsckClean();
    fx.sys.close(fd);
    fx.sys.unlink("/mnt/big");
    assertEquals(free0, fx.freeBlocks());
    fx.assertFsckClean();
  }
}
