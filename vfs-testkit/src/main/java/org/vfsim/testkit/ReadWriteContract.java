package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.fill;
import static org.vfsim.testkit.ContractFixture.pattern;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.Vfs;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's cases for moving bytes: read and write at any offset, the file offset and
 * {@code O_APPEND}, vectored I/O, mmap coherent with read and write through one page cache,
 * the remaining file and memory system calls, and {@code FIEMAP} over the data.
 */
interface ReadWriteContract extends ContractCase {
  @Test
  default void writeThenReadBackAtUnalignedOffsets() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    long buf = sys.mmapAnonymous(4L * PAGE);
    byte[] data = pattern(3 * PAGE + 123, 2);
    sys.store(buf + 77, data);
    assertEquals(data.length, sys.pwrite(fd, buf + 77, data.length, 999));
    assertEquals(999 + data.length, sys.fstat(fd).size());
    assertArrayEquals(data, sys.preadBytes(fd, data.length, 999));
    assertArrayEquals(new byte[999], sys.preadBytes(fd, 999, 0),
        "bytes before the write are a hole");
    assertEquals(0, sys.preadBytes(fd, 10, 999 + data.length).length, "read at EOF returns 0");
    long out = sys.mmapAnonymous(4L * PAGE);
    assertEquals(data.length, sys.pread(fd, out, 4L * PAGE, 999), "read stops at EOF");
    assertArrayEquals(data, sys.load(out, data.length));
    sys.close(fd);
  }

  @Test
  default void fileOffsetAdvancesAndAppendWritesAtEof() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.writeBytes(fd, pattern(100, 1));
    sys.writeBytes(fd, pattern(50, 2));
    assertEquals(150, sys.lseek(fd, 0, Fcntl.SEEK_CUR));
    sys.close(fd);
    int ap = sys.open(fs.path("f"), Fcntl.O_WRONLY | Fcntl.O_APPEND);
    sys.pwriteBytes(ap, pattern(10, 3), 0); // Linux: O_APPEND wins even for pwrite
    assertEquals(160, sys.fstat(ap).size());
    sys.close(ap);
    int rd = sys.open(fs.path("f"), Fcntl.O_RDONLY);
    assertArrayEquals(pattern(10, 3), sys.preadBytes(rd, 10, 150));
    assertArrayEquals(pattern(100, 1), sys.preadBytes(rd, 100, 0));
    sys.close(rd);
  }

  @Test
  default void writevGathersSegmentsInOrder() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    long a = sys.mmapAnonymous(PAGE);
    long b = sys.mmapAnonymous(2L * PAGE);
    sys.store(a + 10, pattern(300, 1));
    sys.store(b + 4000, pattern(500, 2));
    assertEquals(800, sys.pwritev(fd, new long[] {a + 10, b + 4000}, new long[] {300, 500}, 4090));
    byte[] back = sys.preadBytes(fd, 800, 4090);
    assertArrayEquals(pattern(300, 1), Arrays.copyOf(back, 300));
    assertArrayEquals(pattern(500, 2), Arrays.copyOfRange(back, 300, 800));
    sys.close(fd);
  }

  @Test
  default void mmapAndReadWriteSeeTheSamePageCache() {
    Syscalls sys = mounted().sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    long map = sys.mmap(0, 2L * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    assertArrayEquals(pattern(2 * PAGE, 1), sys.load(map, 2 * PAGE));
    sys.store(map + 100, fill(200, 0x5a));
    assertArrayEquals(fill(200, 0x5a), sys.preadBytes(fd, 200, 100), "store visible to read");
    sys.pwriteBytes(fd, fill(300, 0x33), PAGE + 7);
    assertArrayEquals(fill(300, 0x33), sys.load(map + PAGE + 7, 300), "write visible to load");
    sys.msync(map, 2L * PAGE, Fcntl.MS_SYNC);
    sys.munmap(map, 2L * PAGE);
    sys.fsync(fd);
    assertArrayEquals(fill(200, 0x5a), sys.preadBytes(fd, 200, 100));
    sys.close(fd);
  }

  @Test
  default void remainingFileAndMemorySyscalls() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = sys.creat(fs.path("f"), 0644);
    long buf = sys.mmapAnonymous(2L * PAGE);
    sys.store(buf, pattern(300, 1));
    assertEquals(300, sys.write(fd, buf, 300), "write(2) from user memory advances the offset");
    int dup = sys.dup(fd);
    assertEquals(100, sys.write(dup, buf, 100), "a dup shares the file description");
    assertEquals(400, sys.lseek(fd, 0, Fcntl.SEEK_CUR));
    sys.close(dup);
    sys.close(fd);
    assertErrno(Errno.EBADF, () -> sys.preadBytes(fd, 1, 0)); // creat opened it O_WRONLY
    int rd = sys.open(fs.path("f"), Fcntl.O_RDONLY);
    long a = sys.mmapAnonymous(PAGE);
    long b = sys.mmapAnonymous(PAGE);
    assertEquals(400, sys.readv(rd, new long[] {a + 5, b}, new long[] {250, 1000}));
    assertArrayEquals(pattern(250, 1), sys.load(a + 5, 250));
    assertArrayEquals(Arrays.copyOfRange(pattern(300, 1), 250, 300), sys.load(b, 50));
    assertEquals(100, sys.preadv(rd, new long[] {a}, new long[] {100}, 300));
    assertArrayEquals(pattern(100, 1), sys.load(a, 100));
    assertEquals(sys.statfs(MountedFilesystem.MOUNT_POINT), sys.fstatfs(rd));
    long map = sys.mmap(0, PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, rd, 0);
    assertErrno(Errno.EFAULT, () -> sys.store(map, new byte[1])); // read-only mapping
    assertErrno(Errno.EACCES, () -> sys.mmap(0, PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE,
        Fcntl.MAP_SHARED, rd, 0));
    sys.madvise(map, PAGE, Fcntl.MADV_DONTNEED);
    assertArrayEquals(pattern(300, 1), sys.load(map, 300), "a dropped file page faults back in");
    sys.munmap(map, PAGE);
    sys.close(rd);
    sys.store(buf, fill(10, 0x7f));
    sys.mprotect(buf, PAGE, Fcntl.PROT_READ);
    assertErrno(Errno.EFAULT, () -> sys.store(buf, new byte[1]));
    sys.madvise(buf, PAGE, Fcntl.MADV_DONTNEED);
    assertArrayEquals(new byte[10], sys.load(buf, 10), "an anonymous page dropped reads zeros");
  }

  @Test
  default void fiemapCoversTheDataInOrder() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(3 * PAGE, 1), 0);
    sys.pwriteBytes(fd, pattern(2 * PAGE, 2), 1L << 20);
    List<FiemapExtent> extents;
    try {
      extents = sys.fiemap(fd, 0, 0, Vfs.FIEMAP_FLAG_SYNC);
    } catch (ErrnoException e) {
      assumeTrue(e.errno() != Errno.EOPNOTSUPP,
          fs.type().name() + " does not implement fiemap");
      throw e;
    }
    long prevEnd = 0;
    for (FiemapExtent e : extents) {
      assertTrue(e.length() > 0 && e.logical() >= prevEnd, "extents sorted, disjoint: " + extents);
      prevEnd = e.logicalEnd();
    }
    assertFalse(extents.isEmpty(), "5 pages of data have extents");
    assertTrue(extents.get(extents.size() - 1).has(FiemapExtent.LAST),
        "the last extent is flagged LAST: " + extents);
    for (long off : new long[] {0, 2L * PAGE, 1L << 20, (1L << 20) + PAGE}) {
      assertTrue(extents.stream().anyMatch(e -> e.logical() <= off && off < e.logicalEnd()),
          "data at " + off + " is in an extent: " + extents);
    }
    sys.close(fd);
  }
}
