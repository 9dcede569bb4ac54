package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vfsim.write.Fixture.PAGE;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Syscalls;

@ExtendWith(LockValidatorExtension.class)
class IovIterTest {
  @Test
  void advanceAndRevertAcrossSegments() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    long buf = sys.mmapAnonymous(PAGE);
    IovIter i = IovIter.user(sys.task().process().mm(), new long[] {buf, buf + 100, buf + 200},
        new long[] {10, 0, 30});
    assertEquals(40, i.count());
    assertEquals(10, i.singleSegCount());
    i.advance(15); // past the first and the empty segment
    assertEquals(25, i.count());
    assertEquals(25, i.singleSegCount());
    i.revert(12); // back into the first segment
    assertEquals(37, i.count());
    assertEquals(7, i.singleSegCount());
    i.advance(37);
    assertEquals(0, i.count());
    i.revert(40);
    assertEquals(40, i.count());
    assertThrows(IllegalStateException.class, () -> i.revert(1));
    assertEquals(40, i.count(), "a failed revert changes nothing");
    assertThrows(IllegalArgumentException.class, () -> i.advance(41));
  }

  @Test
  void truncateAndReexpand() {
    byte[] k = new byte[100];
    IovIter i = IovIter.kernel(k, 10, 80);
    assertEquals(30, i.truncate(50));
    assertEquals(50, i.count());
    assertEquals(0, i.truncate(60));
    i.reexpand(30);
    assertEquals(80, i.count());
  }

  @Test
  void faultInCountsWhatCouldNotBeFaultedIn() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    Task t = sys.task();
    long buf = sys.mmapAnonymous(3 * PAGE);
    sys.munmap(buf + PAGE, PAGE);
    IovIter one = IovIter.user(t.process().mm(), buf + 100, 2 * PAGE);
    assertEquals(0, one.faultInReadable(t, PAGE - 100), "the mapped part");
    assertEquals(2 * PAGE - (PAGE - 100), one.faultInReadable(t, 2 * PAGE));
    IovIter segs = IovIter.user(t.process().mm(), new long[] {buf, buf + PAGE, buf + 2 * PAGE},
        new long[] {50, 60, 70});
    assertEquals(60 + 70, segs.faultInReadable(t, 180), "counted from the first failing segment");
    assertEquals(0, IovIter.kernel(new byte[5], 0, 5).faultInReadable(t, 5), "kernel never faults");
  }

  @Test
  void atomicCopyStopsAtAnAbsentPageAndAdvancesByWhatItCopied() {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    Task t = sys.task();
    long buf = sys.mmapAnonymous(2 * PAGE);
    byte[] data = Fixture.pattern(2 * PAGE, 1);
    sys.store(buf, data);
    t.process().mm().reclaimUserPage(buf + PAGE); // to swap: present again only after a fault
    IovIter i = IovIter.user(t.process().mm(), buf + 100, PAGE);
    byte[] dst = new byte[PAGE];
    assertEquals(PAGE - 100, i.copyFromIterAtomic(t, dst, 0, PAGE));
    assertEquals(100, i.count());
    assertArrayEquals(Arrays.copyOfRange(data, 100, PAGE), Arrays.copyOf(dst, PAGE - 100));
    assertEquals(100, i.copyFromIter(t, dst, PAGE - 100, 100), "faults enabled: swapped in");
    assertArrayEquals(Arrays.copyOfRange(data, 100, PAGE + 100), dst);
  }
}
