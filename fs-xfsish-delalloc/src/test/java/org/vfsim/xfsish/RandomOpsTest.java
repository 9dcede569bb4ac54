package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Configuration;
import org.vfsim.fs.FallocMode;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * Seeded random operations on a small filesystem under memory pressure (so reclaim and
 * background writeback run in the middle of writes) and near ENOSPC: after every call fsck is
 * clean, the space accounting balances, and every file reads back what a byte-array model says;
 * after sync and a power cut the files are still exactly the model.
 */
@ExtendWith(LockValidatorExtension.class)
class RandomOpsTest {
  static final int BS = 4096;
  static final int FILES = 3;

  @ParameterizedTest
  @ValueSource(strings = {"", "alloc=unwritten", "write_path=generic", "allocsize=64k"})
  void modelAgreesAfterEveryCall(String mountOpts) {
    long seed = Long.getLong("vfsim.seed", 7L) ^ mountOpts.hashCode();
    System.out.println("RandomOpsTest seed " + seed + " [" + mountOpts + "]");
    Random rnd = new Random(seed);
    Configuration cfg = Configuration.builder().memoryBytes(64 * BS).dirtyRatios(20, 40).build();
    XfsFixture f = new XfsFixture(cfg, 2L << 20, false, "agcount=2", mountOpts);
    byte[][] model = new byte[FILES][0];
    int[] fds = new int[FILES];
    for (int k = 0; k < FILES; k++) {
      fds[k] = f.create("r" + k);
    }
    int enospc = 0;
    for (int op = 0; op < 500; op++) {
      int k = rnd.nextInt(FILES);
      int fd = fds[k];
      int kind = rnd.nextInt(40);
      try {
        if (kind < 20) {
          long pos = rnd.nextInt(10) == 0 ? model[k].length : rnd.nextInt(300 * BS);
          int len = 1 + rnd.nextInt(rnd.nextBoolean() ? BS : 24 * BS);
          byte[] data = XfsFixture.pattern(len, op);
          long n = f.sys.pwriteBytes(fd, data, pos);
          assertTrue(n > 0 && n <= len);
          model[k] = apply(model[k], data, (int) n, pos);
        } else if (kind < 24) {
          int len = rnd.nextInt(320 * BS);
          f.sys.ftruncate(fd, len);
          model[k] = Arrays.copyOf(model[k], len);
        } else if (kind < 28) {
          long off = rnd.nextInt(150 * BS);
          long len = 1 + rnd.nextInt(30 * BS);
          f.sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, off, len);
          int end = (int) Math.min(model[k].length, off + len);
          if (off < end) {
            Arrays.fill(model[k], (int) off, end, (byte) 0);
          }
        } else if (kind < 31) {
          long off = rnd.nextInt(300 * BS);
          long len = 1 + rnd.nextInt(60 * BS);
          boolean keep = rnd.nextBoolean();
          int mode = rnd.nextBoolean() ? FallocMode.ZERO_RANGE : 0;
          try {
            f.sys.fallocate(fd, mode | (keep ? FallocMode.KEEP_SIZE : 0), off, len);
          } finally {
            // A failed fallocate may have zeroed (zero range) and kept what it allocated.
            byte[] now = f.sys.preadBytes(fd, (int) f.sys.fstat(fd).size(), 0);
            if (mode == FallocMode.ZERO_RANGE) {
              int end = (int) Math.min(model[k].length, off + len);
              if (off < end) {
                Arrays.fill(model[k], (int) off, end, (byte) 0);
              }
            }
            if (now.length > model[k].length) {
              model[k] = Arrays.copyOf(model[k], now.length);
            }
          }
        } else if (kind < 33) {
          f.sys.fsync(fd);
        } else if (kind < 35) {
          f.sys.close(fd);
          fds[k] = f.sys.open("/mnt/r" + k, Fcntl.O_RDWR);
        } else if (kind < 37) {
          f.m.clock().advance(Duration.ofSeconds(rnd.nextInt(400)));
        } else if (kind < 39) {
          f.m.pageCache().dropCleanPages();
        } else {
          f.sys.sync();
          f.m.powerCut();
          f.sys = f.m.syscalls(f.m.spawn("p" + op).mainTask());
          for (int j = 0; j < FILES; j++) {
            fds[j] = f.sys.open("/mnt/r" + j, Fcntl.O_RDWR);
          }
        }
      } catch (ErrnoException e) {
        assertEquals(Errno.ENOSPC, e.errno(), "op " + op + " kind " + kind);
        enospc++;
      }
      f.check();
      for (int j = 0; j < FILES; j++) {
        assertEquals(model[j].length, f.sys.fstat(fds[j]).size(), "size of r" + j + " after op " + op);
        assertArrayEquals(model[j], f.sys.preadBytes(fds[j], model[j].length, 0),
            "r" + j + " after op " + op + " (seed " + seed + ")");
      }
    }
    System.out.println("  ENOSPC " + enospc + " times; " + f.current().counters());
  }

  private static byte[] apply(byte[] file, byte[] data, int n, long pos) {
    byte[] out = file.length < pos + n ? Arrays.copyOf(file, (int) (pos + n)) : file;
    System.arraycopy(data, 0, out, (int) pos, n);
    return out;
  }
}
