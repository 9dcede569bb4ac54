package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FsckReport;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

@ExtendWith(LockValidatorExtension.class)
class ChecksumAndFsckTest {
  @Test
  void corruptedBlockReadsAsEio() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(4 * Rig.PAGE, 1), 0);
    r.sys.sync();
    FiemapExtent x = r.sys.fiemap(fd, 0, 0, 0).get(0);
    r.m.pageCache().dropCleanPages();
    r.dev.corrupt((x.physical() + 2 * Rig.PAGE) / r.dev.blockSize(), 17);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> r.sys.preadBytes(fd, Rig.PAGE, 2 * Rig.PAGE));
    assertEquals(Errno.EIO, e.errno());
    assertEquals(1, r.counter("csum_errors"));
    assertEquals(Rig.PAGE, r.sys.preadBytes(fd, Rig.PAGE, 0).length, "other blocks still read");
    r.assertClean();
  }

  @Test
  void nodatasumFilesAreNotVerified() {
    Rig r = new Rig("nodatacow");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(Rig.PAGE, 1), 0);
    r.sys.sync();
    FiemapExtent x = r.sys.fiemap(fd, 0, 0, 0).get(0);
    r.m.pageCache().dropCleanPages();
    r.dev.corrupt(x.physical() / r.dev.blockSize(), 0);
    assertEquals(Rig.PAGE, r.sys.preadBytes(fd, Rig.PAGE, 0).length);
    r.assertClean();
  }

  /** Each deliberate breakage must be caught, or fsck proves nothing. */
  @ParameterizedTest
  @CsvSource({
      "leak-may-use, may_use",
      "extra-ref, backrefs",
      "drop-csum, no checksum",
      "free-overlap, overlaps free space"})
  void fsckCatchesEachBreakage(String breakage, String expected) {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(4 * Rig.PAGE, 1), 0);
    r.sys.sync();
    r.assertClean();
    r.fs().corruptForTest(breakage, r.inode("/mnt/f"));
    FsckReport rep = r.fs().fsck();
    assertFalse(rep.isClean());
    assertTrue(rep.toString().contains(expected), rep::toString);
  }

  @Test
  void fsckCatchesADelallocSectorWithoutADirtyPage() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(Rig.PAGE, 1), 0);
    r.sys.sync();
    BtrfsFs fs = r.fs();
    fs.tryReserve(Rig.PAGE, 1);
    fs.markDelalloc(r.inode("/mnt/f"), 7, 1, true); // a reservation no page will ever release
    assertTrue(fs.fsck().toString().contains("leaked reservation"), () -> fs.fsck().toString());
  }
}
