package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.vfsim.Configuration;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * What {@link FilesystemContract} and the contract classes beside it share: the filesystem
 * mounted before each test, fsck and the invariants of spec section 6 checked after it, and
 * small helpers.
 */
@ExtendWith(LockValidatorExtension.class)
abstract class ContractFixture implements ContractCase {
  static final int PAGE = org.vfsim.pagecache.Folio.SIZE;
  /** How long a staged race may take before the kit calls it a deadlock (not a sync point). */
  static final long DEADLOCK_SECONDS = 20;

  /** The filesystem under test. */
  protected abstract FilesystemUnderTest filesystem();

  protected MountedFilesystem fs;
  protected Syscalls sys;
  private boolean checkAfter = true;

  @BeforeEach
  final void mountFilesystem() {
    fs = MountedFilesystem.mount(filesystem());
    sys = fs.sys();
  }

  /** Spec section 6: fsck clean, statfs sane, no lock held, no lockdep report after every test. */
  @AfterEach
  final void checkInvariants() {
    if (checkAfter && fs != null) {
      Invariants.assertClean(fs);
    }
  }

  @Override
  public final MountedFilesystem mounted() {
    return fs;
  }

  @Override
  public final FilesystemUnderTest underTest() {
    return filesystem();
  }

  @Override
  public final FilesystemUnderTest mountSmall() {
    assumeTrue(MountedFilesystem.canLimitSize(filesystem().type()),
        filesystem().type().name() + " has neither a device nor a size= option: cannot fill it");
    // A failed mount fails the test with its own error, not with a check of the unused one.
    checkAfter = false;
    FilesystemUnderTest small = filesystem().withDeviceBytes(filesystem().smallDeviceBytes());
    fs = MountedFilesystem.mount(small, true, Configuration.defaults());
    sys = fs.sys();
    checkAfter = true;
    return small;
  }

  /** Bytes that are never zero and differ with {@code seed}. */
  static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8) + 1);
      if (b[i] == 0) {
        b[i] = 1;
      }
    }
    return b;
  }

  static byte[] fill(int len, int value) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) value);
    return b;
  }

  /** The index of the first nonzero byte of {@code b} at or after {@code from}, or its length. */
  static long allZeroUntil(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != 0) {
        return i;
      }
    }
    return b.length;
  }

  static void assertErrno(Errno expected, Executable call) {
    ErrnoException e = assertThrows(ErrnoException.class, call);
    assertEquals(expected, e.errno(), e.getMessage());
  }
}
