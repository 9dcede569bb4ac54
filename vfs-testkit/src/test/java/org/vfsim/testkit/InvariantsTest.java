package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.kernel.Mutex;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.ramfs.RamfsType;

/** The after-every-step invariants report a lock left held, and are quiet when all is well. */
@ExtendWith(LockValidatorExtension.class)
class InvariantsTest {
  @Test
  void cleanFilesystemHasNoProblems() {
    MountedFilesystem fs = MountedFilesystem.mount(FilesystemUnderTest.of(new RamfsType()));
    assertEquals(List.of(), Invariants.check(fs));
  }

  @Test
  void aLockHeldBetweenSystemCallsIsReported() {
    MountedFilesystem fs = MountedFilesystem.mount(FilesystemUnderTest.of(new RamfsType()));
    Task t = fs.process().mainTask();
    Mutex m = new Mutex(fs.machine().lockValidator(),
        fs.machine().lockValidator().lockClass("test_lock", false));
    m.lock(t);
    List<String> problems = Invariants.check(fs);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("lock held: "), problems.get(0));
    m.unlock(t);
    assertEquals(List.of(), Invariants.check(fs));
  }
}
