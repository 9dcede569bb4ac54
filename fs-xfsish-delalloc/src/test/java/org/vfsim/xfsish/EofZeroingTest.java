package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

/**
 * The block straddling EOF may hold, on disk, bytes a truncate cut off while the page cache
 * shows zeros past EOF; extending the file must overwrite them on disk (found by vfs-testkit's
 * fsx, durability check after a power cut).
 */
@ExtendWith(LockValidatorExtension.class)
class EofZeroingTest {
  private static final int BS = 4096;

  /** A file whose EOF block (1) holds stale bytes past EOF on disk; returns the old data. */
  private static byte[] fileWithStaleTailOnDisk(XfsFixture f, long cut) {
    int fd = f.create("a");
    byte[] data = XfsFixture.pattern(2 * BS, 3);
    f.sys.pwriteBytes(fd, data, 0);
    f.sys.fsync(fd);
    f.sys.ftruncate(fd, cut);
    // Another file's fsync forces the log: the cut size is durable, the zeroed page is not
    // (a truncate down below di_size logs the size without writing the EOF block).
    int other = f.create("b");
    f.sys.fsync(other);
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    f.current();
    int r = f.sys.open("/mnt/a", 0);
    assertEquals(cut, f.sys.fstat(r).size());
    f.sys.close(r);
    return data;
  }

  @Test
  void writePastEofOverwritesTheStaleTailOfTheEofBlockOnDisk() {
    XfsFixture f = new XfsFixture(64 << 20, false, "", "");
    long cut = BS + 100;
    fileWithStaleTailOnDisk(f, cut);
    int fd = f.sys.open("/mnt/a", Fcntl.O_RDWR);
    byte[] more = XfsFixture.pattern(100, 9);
    long pos = 3 * BS;
    f.sys.pwriteBytes(fd, more, pos); // zeroes [cut, end of its block) first
    f.sys.fsync(fd);
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after2").mainTask());
    f.current();
    f.check();
    int r = f.sys.open("/mnt/a", 0);
    assertEquals(pos + more.length, f.sys.fstat(r).size());
    byte[] gap = f.sys.preadBytes(r, (int) (pos - cut), cut);
    assertArrayEquals(new byte[(int) (pos - cut)], gap, "bytes between the old EOF and the write");
    assertArrayEquals(more, f.sys.preadBytes(r, more.length, pos));
  }

  @Test
  void truncateUpWritesTheZeroedEofBlockBeforeLoggingTheSize() {
    XfsFixture f = new XfsFixture(64 << 20, false, "", "");
    long cut = BS + 100;
    byte[] data = fileWithStaleTailOnDisk(f, cut);
    int fd = f.sys.open("/mnt/a", Fcntl.O_RDWR);
    f.sys.ftruncate(fd, 2 * BS);
    // The log worker's force makes the new size durable, and nothing else of a (an fsync of
    // another file forces the log only if that file has changes in it).
    f.current().logForce();
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after2").mainTask());
    f.current();
    f.check();
    int r = f.sys.open("/mnt/a", 0);
    assertEquals(2 * BS, f.sys.fstat(r).size());
    byte[] expected = Arrays.copyOf(data, 2 * BS);
    Arrays.fill(expected, (int) cut, 2 * BS, (byte) 0);
    assertArrayEquals(expected, f.sys.preadBytes(r, 2 * BS, 0));
  }
}
