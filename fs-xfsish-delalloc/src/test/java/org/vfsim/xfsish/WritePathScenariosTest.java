package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.mm.Mm;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The write-path races of the spec (section 7) staged on xfsish, on both write paths: the
 * source is an mmap of the destination, it is reclaimed or unmapped between fault-in and copy,
 * or it is half mapped. Results are compared with ramfs, whose writes take the generic path.
 */
@ExtendWith(LockValidatorExtension.class)
class WritePathScenariosTest {
  static final int BS = 4096;

  /** Writes {@code init}, maps it shared, then pwrites from the mapping; returns file bytes. */
  static byte[] selfMappedWrite(Machine m, Syscalls sys, String path, long srcOff, int len,
      long pos) {
    int fd = sys.open(path, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    byte[] init = XfsFixture.pattern(4 * BS, 8);
    sys.pwriteBytes(fd, init, 0);
    long map = sys.mmap(0, 4 * BS, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertEquals(len, sys.pwrite(fd, map + srcOff, len, pos));
    sys.munmap(map, 4 * BS);
    byte[] out = sys.preadBytes(fd, (int) sys.fstat(fd).size(), 0);
    sys.close(fd);
    assertTrue(m.lockValidator().reports().isEmpty(), m.lockValidator().reports().toString());
    return out;
  }

  static byte[] onRamfs(long srcOff, int len, long pos) {
    Machine m = Machine.boot();
    return selfMappedWrite(m, m.syscalls(m.spawn("r").mainTask()), "/f", srcOff, len, pos);
  }

  @ParameterizedTest
  @ValueSource(strings = {"write_path=iomap", "write_path=generic"})
  void sourceIsMmapOfTheSamePage(String opts) {
    XfsFixture f = new XfsFixture(16L << 20, false, "", opts);
    byte[] got = selfMappedWrite(f.m, f.sys, "/mnt/f", 10, 100, 20);
    assertArrayEquals(onRamfs(10, 100, 20), got);
    f.check();
  }

  @ParameterizedTest
  @ValueSource(strings = {"write_path=iomap", "write_path=generic"})
  void sourceAndDestinationOverlapAcrossPages(String opts) {
    XfsFixture f = new XfsFixture(16L << 20, false, "", opts);
    byte[] got = selfMappedWrite(f.m, f.sys, "/mnt/f", BS - 100, 2 * BS, BS + 50);
    assertArrayEquals(onRamfs(BS - 100, 2 * BS, BS + 50), got);
    byte[] back = selfMappedWrite(f.m, f.sys, "/mnt/g", BS + 50, 2 * BS, BS - 100);
    assertArrayEquals(onRamfs(BS + 50, 2 * BS, BS - 100), back);
    f.check();
  }

  @ParameterizedTest
  @ValueSource(strings = {"write_path=iomap", "write_path=generic"})
  void sourceReclaimedBetweenFaultInAndCopyIsRetried(String opts) {
    XfsFixture f = new XfsFixture(16L << 20, false, "", opts);
    int fd = f.create("f");
    long buf = f.sys.mmapAnonymous(3 * BS);
    byte[] data = XfsFixture.pattern(3 * BS, 2);
    f.sys.store(buf, data);
    Mm mm = f.sys.task().process().mm();
    int[] copies = new int[1];
    f.m.hooks().install(HookPoint.BEFORE_ATOMIC_COPY, t -> copies[0]++);
    // After the second page was faulted in, reclaim swaps it out: its atomic copy comes up short.
    f.m.hooks().install(HookPoint.AFTER_FAULT_IN, t -> {
      if (copies[0] == 1) {
        mm.reclaimUserPage(buf + BS);
      }
    });
    assertEquals(3L * BS, f.sys.pwrite(fd, buf, 3 * BS, 0));
    assertTrue(copies[0] > 3, "the short copy was retried: " + copies[0] + " copies");
    assertArrayEquals(data, f.sys.preadBytes(fd, 3 * BS, 0));
    assertEquals(3, f.inode("f").delayedBlocks());
    f.check();
  }

  @ParameterizedTest
  @ValueSource(strings = {"write_path=iomap", "write_path=generic"})
  void sourceUnmappedBetweenFaultInAndCopyEndsInEfault(String opts) {
    XfsFixture f = new XfsFixture(16L << 20, false, "", opts);
    int fd = f.create("f");
    long buf = f.sys.mmapAnonymous(2 * BS);
    f.sys.store(buf, XfsFixture.pattern(2 * BS, 3));
    Mm mm = f.sys.task().process().mm();
    // Another thread of the process unmaps the buffer once the writer has faulted it in.
    org.vfsim.kernel.Task other = f.sys.task().process().newThread("unmapper");
    f.m.hooks().once(HookPoint.AFTER_FAULT_IN, f.sys.task(), t -> mm.munmap(other, buf, 2 * BS));
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwrite(fd, buf, 2 * BS, 0));
    assertEquals(Errno.EFAULT, e.errno());
    assertEquals(0, f.sys.fstat(fd).size());
    assertEquals(0, f.inode("f").delayedBlocks(), "the reservation was punched");
    f.check();
  }

  @ParameterizedTest
  @ValueSource(strings = {"write_path=iomap", "write_path=generic"})
  void halfMappedSourceWritesPartThenEfaults(String opts) {
    XfsFixture f = new XfsFixture(16L << 20, false, "", opts);
    int fd = f.create("f");
    long buf = f.sys.mmapAnonymous(2 * BS);
    byte[] data = XfsFixture.pattern(BS, 4);
    f.sys.store(buf, data);
    f.sys.munmap(buf + BS, BS);
    assertEquals(BS, f.sys.pwrite(fd, buf + 0, 2 * BS, 0));
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.sys.pwrite(fd, buf + BS, 10, BS));
    assertEquals(Errno.EFAULT, e.errno());
    assertArrayEquals(data, f.sys.preadBytes(fd, BS, 0));
    assertEquals(BS, f.sys.fstat(fd).size());
    assertEquals(1, f.inode("f").delayedBlocks());
    assertTrue(Arrays.equals(new byte[0], f.sys.preadBytes(fd, 10, BS)));
    f.check();
  }
}
