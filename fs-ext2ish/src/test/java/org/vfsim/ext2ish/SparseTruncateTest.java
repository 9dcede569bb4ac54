package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** Sparse files through the indirect tree: holes, truncate and overwrite keep fsck clean. */
@ExtendWith(LockValidatorExtension.class)
class SparseTruncateTest {
  private static final int PAGE = 4096;
  private static final long MIB = 1 << 20;

  /** Blocks in use by files: total minus free minus the root directory's block. */
  private static long used(Ext2Fixture fx, long free0) {
    return free0 - fx.freeBlocks();
  }

  @Test
  void truncateAndOverwriteOfASparseFileKeepBitmapsAndCountersConsistent() {
    Ext2Fixture fx = new Ext2Fixture(64L * MIB, 4096, false, "", "");
    long free0 = fx.freeBlocks();
    int fd = fx.create("s");
    byte[] a = Ext2Fixture.pattern(PAGE, 1);
    fx.sys.pwriteBytes(fd, a, 0);                 // direct
    fx.sys.pwriteBytes(fd, a, 1 * MIB);           // single indirect
    fx.sys.pwriteBytes(fd, a, 10 * MIB);          // double indirect
    fx.assertFsckClean();
    // 3 data blocks + IND + DIND + one DIND leaf.
    assertEquals(6, used(fx, free0));
    assertEquals(6 * (PAGE / 512), fx.sys.fstat(fd).blocks());
    assertArrayEquals(new byte[PAGE], fx.sys.preadBytes(fd, PAGE, 5 * MIB), "a hole reads zeros");
    assertEquals(1 * MIB, fx.sys.lseek(fd, PAGE, Fcntl.SEEK_DATA));
    assertEquals(PAGE, fx.sys.lseek(fd, 0, Fcntl.SEEK_HOLE));
    assertEquals(1 * MIB + PAGE, fx.sys.lseek(fd, 1 * MIB, Fcntl.SEEK_HOLE));
    assertEquals(3, fx.fiemap(fd).size());

    fx.sys.ftruncate(fd, 5 * MIB);                // drops the whole double-indirect subtree
    fx.assertFsckClean();
    assertEquals(3, used(fx, free0));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.sys.lseek(fd, 2 * MIB, Fcntl.SEEK_DATA));
    assertEquals(Errno.ENXIO, e.errno());

    byte[] b = Ext2Fixture.pattern(3 * PAGE, 2);
    fx.sys.pwriteBytes(fd, b, 2 * MIB);           // overwrite inside the hole
    fx.sys.pwriteBytes(fd, b, 1 * MIB - PAGE);    // overlaps the mapped block at 1 MiB
    fx.assertFsckClean();
    assertArrayEquals(b, fx.sys.preadBytes(fd, 3 * PAGE, 2 * MIB));
    assertArrayEquals(b, fx.sys.preadBytes(fd, 3 * PAGE, 1 * MIB - PAGE));

    fx.sys.ftruncate(fd, 100);                    // partial block: tail zeroed, IND freed
    fx.assertFsckClean();
    assertEquals(1, used(fx, free0));
    fx.sys.ftruncate(fd, 2 * PAGE);
    byte[] expect = new byte[2 * PAGE];
    System.arraycopy(a, 0, expect, 0, 100);
    assertArrayEquals(expect, fx.sys.preadBytes(fd, 2 * PAGE, 0));
    fx.sys.sync();
    fx.machine.pageCache().dropCleanPages();
    assertArrayEquals(expect, fx.sys.preadBytes(fd, 2 * PAGE, 0), "from disk");

    fx.sys.ftruncate(fd, 0);
    fx.assertFsckClean();
    assertEquals(0, used(fx, free0));
    assertEquals(fx.sb.counters().get("blocks_allocated"), fx.sb.counters().get("blocks_freed"),
        "every block allocated since mount came back");
  }

  @Test
  void aTripleIndirectBlockIsReachableAndFreed() {
    // 1 KiB blocks: 12 + 256 + 65536 blocks before the triple indirect tree (about 64 MiB).
    Ext2Fixture fx = new Ext2Fixture(8L * MIB, 1024, false, "", "");
    long free0 = fx.freeBlocks();
    int fd = fx.create("t");
    long at = (12 + 256 + 65536 + 5) * 1024L;
    byte[] a = Ext2Fixture.pattern(1024, 9);
    fx.sys.pwriteBytes(fd, a, at);
    assertEquals(4, used(fx, free0), "TIND, its DIND and IND, and the data block");
    assertArrayEquals(a, fx.sys.preadBytes(fd, 1024, at));
    fx.assertFsckClean();
    fx.sys.ftruncate(fd, at);
    assertEquals(0, used(fx, free0));
    fx.assertFsckClean();
  }
}
