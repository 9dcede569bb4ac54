package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vfsim.write.Fixture.PAGE;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.kernel.HookPoint;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** The checks of the VFS write entry and the errors a write returns, for both write paths. */
@ExtendWith(LockValidatorExtension.class)
class VfsWriteChecksTest {
  private static void assertErrno(Errno expected, Executable call) {
    ErrnoException e = assertThrows(ErrnoException.class, call);
    assertEquals(expected, e.errno(), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void badDescriptorsAndDirectories(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int rw = f.create("f");
    int ro = f.sys.open("/mnt/f", Fcntl.O_RDONLY);
    byte[] one = {1};
    assertErrno(Errno.EBADF, () -> f.sys.pwriteBytes(ro, one, 0));
    f.sys.close(rw);
    assertErrno(Errno.EBADF, () -> f.sys.pwriteBytes(rw, one, 0));
    f.sys.mkdir("/mnt/d", 0755);
    assertErrno(Errno.EISDIR, () -> f.sys.open("/mnt/d", Fcntl.O_WRONLY));
    int dir = f.sys.open("/mnt/d", Fcntl.O_RDONLY);
    assertErrno(Errno.EBADF, () -> f.sys.pwriteBytes(dir, one, 0));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void pathWalkErrorsAreTheKernels(String fs) {
    Fixture f = Fixture.boot(fs, "");
    f.sys.close(f.create("file"));
    // A trailing slash asks for a directory: a regular file is ENOTDIR, and O_CREAT of one EISDIR.
    assertErrno(Errno.ENOTDIR, () -> f.sys.open("/mnt/file/", Fcntl.O_RDONLY));
    assertErrno(Errno.ENOTDIR, () -> f.sys.open("/mnt/file/", Fcntl.O_RDWR));
    assertErrno(Errno.EISDIR,
        () -> f.sys.open("/mnt/file/", Fcntl.O_RDWR | Fcntl.O_CREAT));
    assertErrno(Errno.EISDIR, () -> f.sys.open("/mnt/new/", Fcntl.O_RDWR | Fcntl.O_CREAT));
    // "..", "." and "/" name directories: opening one to write, or creating it, is EISDIR.
    assertErrno(Errno.EISDIR, () -> f.sys.open("/mnt/..", Fcntl.O_RDWR | Fcntl.O_CREAT));
    assertErrno(Errno.EISDIR, () -> f.sys.open("/mnt/.", Fcntl.O_RDWR | Fcntl.O_CREAT));
    assertErrno(Errno.EISDIR, () -> f.sys.open("/mnt/..", Fcntl.O_RDWR));
    // PATH_MAX (4096) includes the NUL: 4096 characters is too long, before any lookup.
    String tooLong = "/mnt/" + "a/".repeat(2046);
    assertEquals(4097, tooLong.length());
    assertErrno(Errno.ENAMETOOLONG, () -> f.sys.open(tooLong, Fcntl.O_RDONLY));
    assertErrno(Errno.ENAMETOOLONG,
        () -> f.sys.open(tooLong.substring(1), Fcntl.O_RDWR | Fcntl.O_CREAT));
    assertErrno(Errno.ENOENT, () -> f.sys.open("/mnt/" + "a/".repeat(100) + "x",
        Fcntl.O_RDONLY));
    int fd = f.sys.open("/mnt/file", Fcntl.O_RDONLY);
    f.sys.close(fd);
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void negativeOffsetIsEinvalAndZeroCountWritesNothing(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    long buf = f.userBuffer(new byte[PAGE]);
    assertErrno(Errno.EINVAL, () -> f.sys.pwrite(fd, buf, 10, -1));
    assertEquals(0, f.sys.pwrite(fd, buf, 0, 5));
    assertEquals(0, f.sys.fstat(fd).size());
    f.checkInvariants();
  }

  @Test
  void efbigAtMaxBytesAndAWriteAcrossItIsCut() {
    long max = 10 * PAGE + 123;
    Fixture f = Fixture.boot("pwfs", "maxbytes=" + max);
    int fd = f.create("f");
    byte[] data = Fixture.pattern(2 * PAGE, 1);
    long buf = f.userBuffer(data);
    assertErrno(Errno.EFBIG, () -> f.sys.pwrite(fd, buf, 1, max));
    assertErrno(Errno.EFBIG, () -> f.sys.pwrite(fd, buf, 1, max + PAGE));
    long pos = max - 1000;
    assertEquals(1000, f.sys.pwrite(fd, buf, 2 * PAGE, pos));
    assertEquals(max, f.sys.fstat(fd).size());
    assertArrayEquals(Arrays.copyOf(data, 1000), f.sys.preadBytes(fd, 1000, pos));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void oAppendWritesAtEndOfFileEvenForPwrite(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.sys.open("/mnt/f", Fcntl.O_CREAT | Fcntl.O_RDWR | Fcntl.O_APPEND);
    byte[] a = Fixture.pattern(3000, 2);
    byte[] b = Fixture.pattern(2000, 3);
    assertEquals(3000, f.sys.writeBytes(fd, a));
    assertEquals(2000, f.sys.pwriteBytes(fd, b, 0)); // Linux: O_APPEND wins over the offset
    byte[] expected = Fixture.apply(a, 3000, b, 2000);
    f.assertContents(fd, expected);
    assertEquals(3000, f.sys.lseek(fd, 0, Fcntl.SEEK_CUR), "pwrite leaves f_pos");
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void writevStopsAtTheFirstUnmappedSegment(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(3 * PAGE, 4);
    long buf = f.userBuffer(data);
    f.sys.munmap(buf + PAGE, PAGE);
    long[] addrs = {buf + 10, buf + PAGE + 10, buf + 2 * PAGE};
    long[] lens = {1000, 1000, 1000};
    assertEquals(1000, f.sys.writev(fd, addrs, lens));
    assertEquals(1000, f.sys.lseek(fd, 0, Fcntl.SEEK_CUR));
    assertErrno(Errno.EFAULT, () -> f.sys.writev(fd, new long[] {addrs[1], addrs[2]},
        new long[] {1000, 1000}));
    // A segment that spans the hole: its mapped prefix is written.
    long[] spanning = {buf + 100, buf + 2 * PAGE};
    assertEquals(PAGE - 100, f.sys.pwritev(fd, spanning, new long[] {PAGE, 50}, 1000));
    byte[] expected = Fixture.apply(Arrays.copyOfRange(data, 10, 1010), 1000,
        Arrays.copyOfRange(data, 100, PAGE), PAGE - 100);
    f.assertContents(fd, expected);
    // Mapped segments around an empty one all land.
    assertEquals(300, f.sys.pwritev(fd, new long[] {buf, buf + PAGE, buf + 2 * PAGE},
        new long[] {100, 0, 200}, 0));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void fatalSignalEndsTheWriteWithEintrOrTheBytesWrittenSoFar(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(3 * PAGE, 5);
    long buf = f.userBuffer(data);
    f.sys.task().sendFatalSignal();
    assertErrno(Errno.EINTR, () -> f.sys.pwrite(fd, buf, 3 * PAGE, 0));
    f.sys.task().clearFatalSignal();
    f.machine.hooks().once(HookPoint.AFTER_WRITE_END, f.sys.task(), t -> t.sendFatalSignal());
    assertEquals(PAGE, f.sys.pwrite(fd, buf, 3 * PAGE, 0));
    assertErrno(Errno.EINTR, () -> f.sys.pwrite(fd, buf + PAGE, 2 * PAGE, PAGE));
    f.sys.task().clearFatalSignal();
    f.assertContents(fd, Arrays.copyOf(data, PAGE));
    f.checkInvariants();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void pwriteDoesNotMoveTheFilePositionAndWriteDoes(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] data = Fixture.pattern(5000, 6);
    assertEquals(5000, f.sys.writeBytes(fd, data));
    assertEquals(5000, f.sys.pwriteBytes(fd, data, 10000));
    assertEquals(5000, f.sys.lseek(fd, 0, Fcntl.SEEK_CUR));
    byte[] expected = Fixture.apply(data, 10000, data, 5000);
    f.assertContents(fd, expected);
    f.checkInvariants();
  }

  @Test
  void injectedAllocationFailureIsEnospcAndLeaksNoReservation() {
    Fixture f = Fixture.boot("pwfs", "size=1m");
    int fd = f.create("f");
    long buf = f.userBuffer(Fixture.pattern(PAGE, 7));
    Runnable remove = f.machine.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      throw Errno.ENOSPC.exception("injected");
    });
    assertErrno(Errno.ENOSPC, () -> f.sys.pwrite(fd, buf, PAGE, 0));
    f.checkInvariants();
    remove.run();
    assertEquals(PAGE, f.sys.pwrite(fd, buf, PAGE, 0));
    f.checkInvariants();
  }
}
