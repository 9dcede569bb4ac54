package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.FilesystemFixture;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * xfsish with a pluggable placement: a file grows after an earlier file was deleted below it.
 * XFS's goal (right after the file's last extent) extends it in place; first fit fills the hole.
 */
class AllocationPolicyTest {
  private static final int BS = 4096;

  /** The grown file's extents; {@code hole[0]} gets the freed hole's first byte. */
  private static List<FiemapExtent> growAfterAHoleOpens(String mountOptions, long[] hole) {
    FilesystemFixture fx = FilesystemFixture.of(new XfsishType()).deviceSize(64L << 20)
        .mountOptions(mountOptions).build();
    Syscalls sys = fx.sys();
    int h = sys.open(fx.path("hole"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(h, new byte[16 * BS], 0);
    sys.fsync(h);
    hole[0] = sys.fiemap(h, 0, Long.MAX_VALUE, 0).get(0).physical();
    sys.close(h);
    int x = sys.open(fx.path("x"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(x, new byte[16 * BS], 0);
    sys.fsync(x);
    sys.unlink(fx.path("hole"));
    // Freed blocks stay busy until the checkpoint that frees them is on disk (as in XFS).
    sys.sync();
    for (int i = 16; i < 24; i++) {
      sys.pwriteBytes(x, new byte[BS], (long) i * BS);
      sys.fsync(x);
    }
    assertTrue(fx.sb().fsck().isClean(), fx.sb().fsck().toString());
    return sys.fiemap(x, 0, Long.MAX_VALUE, 0);
  }

  @Test
  void firstFitFillsTheLowestHoleWhereXfsExtendsTheFileInPlace() {
    for (String alloc : List.of("alloc=unwritten,", "allocsize=4k,")) {
      long[] hole = new long[1];
      List<FiemapExtent> xfs = growAfterAHoleOpens(alloc, hole);
      List<FiemapExtent> firstFit = growAfterAHoleOpens(alloc + "policy=firstfit", hole);
      System.out.printf("%s: xfs %s%n  firstfit %s%n", alloc, xfs, firstFit);
      assertEquals(1, xfs.size(), alloc + " the goal after the last extent: " + xfs);
      assertEquals(2, firstFit.size(), alloc + " firstfit: " + firstFit);
      assertEquals(16L * BS, firstFit.get(1).logical());
      assertEquals(hole[0], firstFit.get(1).physical(), "the growth went to the hole");
    }
  }

  @Test
  void anUnknownPolicyFailsTheMountWithEinvalNamingTheKnownOnes() {
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> FilesystemFixture.of(new XfsishType()).mountOptions("policy=worstfit").build());
    assertEquals(Errno.EINVAL, e.errno());
    assertTrue(e.getMessage().contains("unknown allocation policy 'worstfit'; known: default,"
        + " bestfit, firstfit, nextfit"), e.getMessage());
  }
}
