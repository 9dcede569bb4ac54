package org.vfsim.testkit;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.vfsim.fs.Capability;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.lockdep.LockdepViolation;

/**
 * The conformance suite every filesystem plugin gets by extending this class and implementing
 * {@link #filesystem()}. Its cases are grouped by what they cover, one interface each, so that a
 * failed case's class names the area to look at:
 *
 * <ul>
 *   <li>{@code ErrnoContract}: every system call's error cases;
 *   <li>{@code ReadWriteContract}: read, write, vectored I/O, mmap coherence, FIEMAP;
 *   <li>{@code SparseFileContract}: holes, {@code SEEK_DATA}/{@code SEEK_HOLE}, the fallocate
 *       modes, clone ranges;
 *   <li>{@code TruncateContract}: truncate, with mapped pages, and {@code O_TRUNC};
 *   <li>{@code DurabilityContract}: fsync and sync, power cuts, umount and remount, EIO;
 *   <li>{@code NamespaceContract}: unlink and rename of open files, readdir, statfs;
 *   <li>{@code WritePathContract}: every race of the write-path contract (spec section 7),
 *       staged deterministically with hooks, and ENOSPC;
 *   <li>{@link FileReferenceContract}: an open file's lifetime under a concurrent close.
 * </ul>
 *
 * <p>After each test the kit runs the filesystem's fsck and the invariants of spec section 6. A
 * test that needs a {@link Capability} the plugin does not declare is skipped with the reason.
 */
@ExtendWith(FilesystemContract.ExplainLockdep.class)
public abstract class FilesystemContract extends ContractFixture implements ErrnoContract,
    ReadWriteContract, SparseFileContract, TruncateContract, DurabilityContract,
    NamespaceContract, WritePathContract, FileReferenceContract {

  /**
   * A lockdep violation thrown in a system call is often replaced by the "lock held on return"
   * report that follows it; this rethrows it with every report the validator made, the cause
   * first, so the failure says which lock order the filesystem broke.
   */
  static final class ExplainLockdep implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown)
        throws Throwable {
      Object instance = context.getTestInstance().orElse(null);
      if (!(thrown instanceof LockdepViolation) || !(instance instanceof FilesystemContract c)
          || c.fs == null) {
        throw thrown;
      }
      StringBuilder sb = new StringBuilder("lockdep: the lock validator reported:\n");
      for (LockdepReport r : c.fs.machine().lockValidator().reports()) {
        sb.append(r.render().strip()).append('\n');
      }
      throw new AssertionError(sb.toString(), thrown);
    }
  }
}
