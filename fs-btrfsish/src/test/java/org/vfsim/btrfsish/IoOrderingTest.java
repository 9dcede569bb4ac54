package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.block.IoKind;
import org.vfsim.block.IoRequest;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;

@ExtendWith(LockValidatorExtension.class)
class IoOrderingTest {
  private static String trace(List<IoRequest> reqs) {
    StringBuilder sb = new StringBuilder();
    for (IoRequest q : reqs) {
      sb.append(switch (q.op()) {
        case FLUSH -> 'F';
        // A PREFLUSH write drains the cache before it is written: shown as F then the write.
        case WRITE -> (q.preflush() ? "F" : "")
            + (q.kind() == IoKind.DATA ? 'D' : q.fua() ? 'S' : 'M');
        default -> '?';
      });
    }
    return sb.toString();
  }

  @Test
  void fsyncWritesDataThenLogsThenFlushesAndWritesTheSuperblockWithFua() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    List<IoRequest> reqs = new ArrayList<>();
    r.dev.addListener((q, bs) -> reqs.add(q));
    r.sys.pwriteBytes(fd, Rig.pattern(3 * Rig.PAGE, 1), 0);
    r.sys.fsync(fd);
    // btrfs_sync_log: the log tree's nodes, then write_all_supers (PREFLUSH|FUA on the
    // primary): the flush makes the data and the log durable before the superblock names it.
    assertTrue(trace(reqs).matches("D+M+FS"), trace(reqs));
    reqs.clear();
    r.sys.sync();
    assertTrue(trace(reqs).matches("M+FS"), "commit: COWed nodes, flush, super: " + trace(reqs));
  }

  @Test
  void blockAllocationHookFiresOncePerAllocatorCall() {
    Rig r = new Rig("");
    int[] fired = new int[1];
    r.m.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> fired[0]++);
    long before = r.counter("allocation_calls");
    for (int f = 0; f < 3; f++) {
      int fd = r.create("/mnt/f" + f);
      r.sys.pwriteBytes(fd, Rig.pattern(5 * Rig.PAGE, f), 0);
      r.sys.fsync(fd);
    }
    r.sys.fallocate(r.create("/mnt/p"), 0, 0, 4 * Rig.PAGE);
    assertEquals(4, r.counter("allocation_calls") - before);
    assertEquals(4, fired[0]);
    r.assertClean();
  }
}
