package org.vfsim.ext2ish;

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

/** ext2ish with a pluggable placement: two files appended in turns. */
class AllocationPolicyTest {
  private static List<List<FiemapExtent>> appendInTurns(String mountOptions) {
    FilesystemFixture fx = FilesystemFixture.of(new Ext2ishType()).deviceSize(64L << 20)
        .mountOptions(mountOptions).build();
    Syscalls sys = fx.sys();
    int a = sys.open(fx.path("a"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    int b = sys.open(fx.path("b"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    byte[] block = new byte[4096];
    for (int i = 0; i < 32; i++) {
      sys.pwriteBytes(a, block, i * 4096L);
      sys.fsync(a);
      sys.pwriteBytes(b, block, i * 4096L);
      sys.fsync(b);
    }
    assertTrue(fx.sb().fsck().isClean(), fx.sb().fsck().toString());
    return List.of(sys.fiemap(a, 0, Long.MAX_VALUE, 0), sys.fiemap(b, 0, Long.MAX_VALUE, 0));
  }

  @Test
  void firstFitInterleavesWhatExt2sWindowsKeepApart() {
    List<List<FiemapExtent>> ext2 = appendInTurns("");
    List<List<FiemapExtent>> firstFit = appendInTurns("policy=firstfit");
    assertTrue(ext2.get(0).size() <= 4, "windows keep a file together: " + ext2.get(0));
    assertEquals(32, firstFit.get(0).size(), "first fit alternates block by block");
    assertEquals(32, firstFit.get(1).size());
    long a0 = firstFit.get(0).get(0).physical();
    long b0 = firstFit.get(1).get(0).physical();
    assertEquals(4096, Math.abs(b0 - a0), "b's first block right after a's first");
  }

  @Test
  void anUnknownPolicyFailsTheMountWithEinval() {
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> FilesystemFixture.of(new Ext2ishType()).mountOptions("policy=worstfit").build());
    assertEquals(Errno.EINVAL, e.errno());
    assertTrue(e.getMessage().contains("known: default, bestfit, firstfit, nextfit"),
        e.getMessage());
  }
}
