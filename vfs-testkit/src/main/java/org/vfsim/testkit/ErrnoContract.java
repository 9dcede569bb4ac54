package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.pattern;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FallocMode;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's error cases: what open, read, write, truncate and the directory calls return
 * for a missing, existing or closed file, a wrong access mode, a bad offset, a directory, a
 * file at {@code s_maxbytes}, and the optional operations a plugin does not declare.
 */
interface ErrnoContract extends ContractCase {
  @Test
  default void openOfMissingFileIsEnoent() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    assertErrno(Errno.ENOENT, () -> sys.open(fs.path("missing"), Fcntl.O_RDONLY));
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("missing")));
    assertErrno(Errno.ENOENT, () -> sys.unlink(fs.path("missing")));
  }

  @Test
  default void exclusiveCreateOfExistingFileIsEexist() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    sys.close(create("f"));
    assertErrno(Errno.EEXIST, () -> sys.open(fs.path("f"),
        Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_RDWR, 0644));
  }

  @Test
  default void closedOrUnknownDescriptorIsEbadf() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    sys.close(fd);
    assertErrno(Errno.EBADF, () -> sys.pwriteBytes(fd, new byte[1], 0));
    assertErrno(Errno.EBADF, () -> sys.preadBytes(fd, 1, 0));
    assertErrno(Errno.EBADF, () -> sys.close(fd));
    assertErrno(Errno.EBADF, () -> sys.fsync(12345));
  }

  @Test
  default void accessModeIsEnforcedWithEbadf() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    sys.close(create("f"));
    int ro = sys.open(fs.path("f"), Fcntl.O_RDONLY);
    int wo = sys.open(fs.path("f"), Fcntl.O_WRONLY);
    assertErrno(Errno.EBADF, () -> sys.pwriteBytes(ro, new byte[1], 0));
    assertErrno(Errno.EBADF, () -> sys.preadBytes(wo, 1, 0));
    assertErrno(Errno.EINVAL, () -> sys.ftruncate(ro, 0));
    sys.close(ro);
    sys.close(wo);
  }

  @Test
  default void negativeOffsetsAndLengthsAreEinval() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    long buf = sys.mmapAnonymous(PAGE);
    assertErrno(Errno.EINVAL, () -> sys.pwrite(fd, buf, 10, -1));
    assertErrno(Errno.EINVAL, () -> sys.pread(fd, buf, 10, -1));
    assertErrno(Errno.EINVAL, () -> sys.ftruncate(fd, -1));
    assertErrno(Errno.EINVAL, () -> sys.fallocate(fd, 0, -1, 10));
    assertErrno(Errno.EINVAL, () -> sys.fallocate(fd, 0, 0, 0));
    assertErrno(Errno.EINVAL, () -> sys.lseek(fd, -1, Fcntl.SEEK_SET));
    assertErrno(Errno.EINVAL, () -> sys.lseek(fd, 0, 42));
    assertErrno(Errno.EINVAL, () -> sys.pwrite(fd, buf, 10, Long.MAX_VALUE - 4));
    assertEquals(0, sys.fstat(fd).size());
    sys.close(fd);
  }

  @Test
  default void writePastMaxBytesIsEfbigAndAWriteAcrossItIsShort() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    long max = fs.sb().maxBytes();
    assumeTrue(max < Long.MAX_VALUE - PAGE, "s_maxbytes is unlimited; EFBIG cannot occur");
    int fd = create("f");
    assertErrno(Errno.EFBIG, () -> sys.pwriteBytes(fd, new byte[10], max));
    assertErrno(Errno.EFBIG, () -> sys.ftruncate(fd, max + 1));
    long n = sys.pwriteBytes(fd, pattern(100, 1), max - 40);
    assertEquals(40, n, "a write across s_maxbytes stops there");
    assertEquals(max, sys.fstat(fd).size());
    sys.close(fd);
  }

  @Test
  default void directoriesRefuseFileOperationsWithEisdir() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    requires(Capability.DIRECTORIES);
    sys.mkdir(fs.path("d"), 0755);
    assertErrno(Errno.EISDIR, () -> sys.open(fs.path("d"), Fcntl.O_RDWR));
    assertErrno(Errno.EISDIR, () -> sys.unlink(fs.path("d")));
    int fd = sys.open(fs.path("d"), Fcntl.O_RDONLY);
    assertErrno(Errno.EISDIR, () -> sys.preadBytes(fd, 10, 0));
    sys.close(fd);
    assertErrno(Errno.EISDIR, () -> sys.truncate(fs.path("d"), 0));
  }

  @Test
  default void directoryErrnos() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    requires(Capability.DIRECTORIES);
    sys.mkdir(fs.path("d"), 0755);
    assertErrno(Errno.EEXIST, () -> sys.mkdir(fs.path("d"), 0755));
    sys.close(create("d/f"));
    assertErrno(Errno.ENOTEMPTY, () -> sys.rmdir(fs.path("d")));
    assertErrno(Errno.ENOTDIR, () -> sys.rmdir(fs.path("d/f")));
    assertErrno(Errno.ENOTDIR, () -> sys.readdir(fs.path("d/f")));
    assertErrno(Errno.ENOENT, () -> sys.rmdir(fs.path("nothing")));
    sys.mkdir(fs.path("e"), 0755);
    sys.close(create("e/g"));
    assertErrno(Errno.ENOTEMPTY, () -> sys.rename(fs.path("d"), fs.path("e")));
    sys.unlink(fs.path("d/f"));
    sys.rmdir(fs.path("d"));
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("d")));
    assertErrno(Errno.ENOENT, () -> sys.rename(fs.path("d"), fs.path("x")));
  }

  @Test
  default void undeclaredOperationsAreEopnotsupp() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    Set<Capability> caps = fs.type().capabilities();
    assumeFalse(caps.contains(Capability.FALLOCATE) && caps.contains(Capability.PUNCH_HOLE)
            && caps.contains(Capability.ZERO_RANGE) && caps.contains(Capability.REFLINK),
        "every optional operation is declared; nothing to refuse");
    int fd = create("f");
    int g = create("g");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    if (!caps.contains(Capability.FALLOCATE)) {
      assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, 0, 0, PAGE));
      assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, PAGE));
    }
    if (!caps.contains(Capability.PUNCH_HOLE)) {
      assertErrno(Errno.EOPNOTSUPP,
          () -> sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, 0, PAGE));
    }
    if (!caps.contains(Capability.ZERO_RANGE)) {
      assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, FallocMode.ZERO_RANGE, 0, PAGE));
    }
    if (!caps.contains(Capability.REFLINK)) {
      assertErrno(Errno.EOPNOTSUPP, () -> sys.cloneRange(fd, 0, g, 0, PAGE));
    }
    assertArrayEquals(pattern(2 * PAGE, 1), sys.preadBytes(fd, 2 * PAGE, 0),
        "a refused operation changed nothing");
    assertEquals(2 * PAGE, sys.fstat(fd).size());
    sys.close(fd);
    sys.close(g);
  }
}
