package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.vfsim.fs.OpenFile;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * What the contract classes beside {@link FilesystemContract} share: the filesystem mounted
 * before each test, fsck and the invariants checked after it, and small helpers.
 */
@ExtendWith(LockValidatorExtension.class)
abstract class ContractFixture {
  static final int PAGE = org.vfsim.pagecache.Folio.SIZE;

  /** The filesystem under test. */
  protected abstract FilesystemUnderTest filesystem();

  protected MountedFilesystem fs;
  protected Syscalls sys;

  @BeforeEach
  final void mountFilesystem() {
    fs = MountedFilesystem.mount(filesystem());
    sys = fs.sys();
  }

  @AfterEach
  final void checkInvariants() {
    if (fs != null) {
      Invariants.assertClean(fs);
    }
  }

  int create(String name) {
    return sys.open(fs.path(name), OpenFile.O_CREAT | OpenFile.O_RDWR, 0644);
  }

  long usedBytes() {
    return fs.sb().allocatedDataBytes();
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

  static void assertErrno(Errno expected, Executable call) {
    ErrnoException e = assertThrows(ErrnoException.class, call);
    assertEquals(expected, e.errno(), e.getMessage());
  }
}
