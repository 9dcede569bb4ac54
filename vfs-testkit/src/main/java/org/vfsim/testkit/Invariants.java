package org.vfsim.testkit;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.Machine;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockdepReport;

/**
 * The checks the kit makes after every operation (spec section 6): the filesystem's own fsck,
 * {@code statfs} sanity, no task left holding a lock, and no lock validator report. Each problem
 * is one line that starts with the name of the check that found it ({@code fsck:},
 * {@code statfs:}, {@code lock held:}, {@code lockdep:}).
 */
public final class Invariants {
  private Invariants() {}

  /** All problems found on {@code fs} now; empty when everything holds. */
  public static List<String> check(MountedFilesystem fs) {
    List<String> problems = new ArrayList<>();
    fsck(fs.sb(), problems);
    statfs(fs.sb(), problems);
    locks(fs, problems);
    lockdep(fs.machine(), problems);
    return problems;
  }

  /** Throws an AssertionError listing every problem {@link #check} finds. */
  public static void assertClean(MountedFilesystem fs) {
    List<String> problems = check(fs);
    if (!problems.isEmpty()) {
      throw new AssertionError("invariants violated:\n  " + String.join("\n  ", problems));
    }
  }

  static void fsck(SuperBlock sb, List<String> problems) {
    FsckReport r;
    try {
      r = sb.fsck();
    } catch (RuntimeException e) {
      problems.add("fsck: threw " + e);
      return;
    }
    for (String p : r.problems()) {
      problems.add("fsck: " + p);
    }
  }

  /** {@code statfs} must describe a possible state: counts in range, free within total. */
  static void statfs(SuperBlock sb, List<String> problems) {
    StatFs s = sb.statfs();
    if (s.bsize() <= 0 || s.blocks() < 0 || s.bfree() < 0 || s.bfree() > s.blocks()
        || s.bavail() < 0 || s.bavail() > s.bfree() || s.files() < 0 || s.ffree() < 0
        || s.namelen() <= 0) {
      problems.add("statfs: insane " + s + " (need 0 <= bavail <= bfree <= blocks, bsize > 0)");
    }
  }

  static void locks(MountedFilesystem fs, List<String> problems) {
    for (Task t : fs.process().tasks()) {
      if (t.heldLocks().depth() != 0) {
        problems.add("lock held: " + t + " holds " + t.heldLocks().snapshot()
            + " between system calls");
      }
    }
    Task k = fs.machine().kernelTask();
    if (k.heldLocks().depth() != 0) {
      problems.add("lock held: " + k + " holds " + k.heldLocks().snapshot());
    }
  }

  static void lockdep(Machine m, List<String> problems) {
    for (LockdepReport r : m.lockValidator().reports()) {
      problems.add("lockdep: " + r.render().strip());
    }
  }
}
