package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * NOCOW honours references dropped in the running transaction, as check_delayed_ref treats a
 * pending backref of another inode as a cross reference. Found by fsx (nodatacow, seed 7001,
 * operation 145,651): the file COWed its block away, the clone then overwrote the block in
 * place, and a power cut brought back the file's committed item - showing the clone's bytes.
 */
@ExtendWith(LockValidatorExtension.class)
class DelayedRefNocowTest {
  @Test
  void aBlockDroppedSinceTheCommitIsNotOverwrittenInPlace() {
    Rig r = new Rig("nodatacow");
    int page = Rig.PAGE;
    byte[] a = Rig.pattern(page, 1);
    int f = r.create("/mnt/f");
    r.sys.pwriteBytes(f, a, 0);
    int g = r.create("/mnt/g");
    r.m.pageCache().syncAll(r.sys.task());
    r.sys.cloneRange(f, 0, g, 0, page);
    r.sys.sync(); // the commit root: f and g both reference the block
    r.sys.pwriteBytes(f, Rig.pattern(page, 2), 0);
    r.m.pageCache().syncAll(r.sys.task()); // shared: f COWs and drops its reference
    long nocowBefore = r.counter("nocow_writes");
    r.sys.pwriteBytes(g, Rig.pattern(page, 3), 0);
    r.m.pageCache().syncAll(r.sys.task());
    assertEquals(nocowBefore, r.counter("nocow_writes"),
        "g overwrote in place a block the commit root still gives to f");
    r.m.powerCut();
    Syscalls s = r.m.syscalls(r.m.spawn("after").mainTask());
    f = s.open("/mnt/f", Fcntl.O_RDONLY);
    assertArrayEquals(a, s.preadBytes(f, page, 0));
    r.assertClean();
  }

  @Test
  void afterTheCommitTheUnsharedBlockIsOverwrittenInPlaceAgain() {
    Rig r = new Rig("nodatacow");
    int page = Rig.PAGE;
    int f = r.create("/mnt/f");
    r.sys.pwriteBytes(f, Rig.pattern(page, 1), 0);
    int g = r.create("/mnt/g");
    r.m.pageCache().syncAll(r.sys.task());
    r.sys.cloneRange(f, 0, g, 0, page);
    r.sys.sync();
    r.sys.pwriteBytes(f, Rig.pattern(page, 2), 0);
    r.sys.sync(); // f's dropped reference is run: g alone holds the block
    long nocowBefore = r.counter("nocow_writes");
    byte[] c = Rig.pattern(page, 3);
    r.sys.pwriteBytes(g, c, 0);
    r.m.pageCache().syncAll(r.sys.task());
    assertEquals(nocowBefore + 1, r.counter("nocow_writes"));
    assertArrayEquals(c, r.sys.preadBytes(g, page, 0));
    r.assertClean();
  }
}
