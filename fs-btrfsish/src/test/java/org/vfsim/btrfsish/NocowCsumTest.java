package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * A write into a preallocated range whose disk bytes carry checksums is COWed, as
 * run_delalloc_nocow forces COW whenever checksums exist in the range. Found by fsx (seed 1126,
 * operation 172,940): a log replay left file f's prealloc item (logged before a write) over
 * bytes that clone g's item (logged after it) holds as written data with checksums; once g let
 * go of them in the next transaction, f overwrote them in place, and a power cut brought back
 * g's committed item over bytes that no longer matched its checksums (EIO).
 */
@ExtendWith(LockValidatorExtension.class)
class NocowCsumTest {
  private static Syscalls reboot(Rig r) {
    r.m.powerCut();
    return r.m.syscalls(r.m.spawn("after").mainTask());
  }

  @Test
  void preallocOverChecksummedBytesIsCowedSoACommittedCloneStaysValid() {
    Rig r = new Rig("");
    int page = Rig.PAGE;
    byte[] a = Rig.pattern(page, 1);
    int f = r.create("/mnt/f");
    r.sys.fallocate(f, 0, 0, 2 * page);
    r.sys.fsync(f); // f is logged with its preallocated extent
    r.sys.pwriteBytes(f, a, 0);
    r.m.pageCache().syncAll(r.sys.task()); // written in place into the prealloc extent
    int g = r.create("/mnt/g");
    r.sys.cloneRange(f, 0, g, 0, page);
    r.sys.fsync(g); // g is logged sharing the written block, with its checksum
    Syscalls s = reboot(r); // replay: f prealloc over the block, g written data over it
    f = s.open("/mnt/f", Fcntl.O_RDWR);
    g = s.open("/mnt/g", Fcntl.O_RDWR);
    assertArrayEquals(a, s.preadBytes(g, page, 0));
    assertArrayEquals(new byte[page], s.preadBytes(f, page, 0)); // f's log predates the write
    s.ftruncate(g, 0); // g lets go of the block in the running transaction
    long nocowBefore = r.counter("nocow_writes");
    s.pwriteBytes(f, Rig.pattern(page, 2), 0);
    r.m.pageCache().syncAll(s.task());
    assertEquals(nocowBefore, r.counter("nocow_writes"),
        "checksummed bytes were overwritten in place");
    s = reboot(r); // back to the commit after the replay: g still holds the block
    g = s.open("/mnt/g", Fcntl.O_RDONLY);
    assertEquals(page, s.fstat(g).size());
    assertArrayEquals(a, s.preadBytes(g, page, 0));
    assertTrue(r.fs().fsck().isClean());
    r.assertClean();
  }
}
