package org.vfsim.fuse;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * An fsx-style model checker over host files: random reads, writes, truncates, fallocate
 * (allocate, keep size, punch hole, zero range), fsync, close/reopen, copy_file_range and
 * SEEK_DATA/SEEK_HOLE on two files in a directory, each checked against an in-memory model of
 * what the file must hold. vfs-testkit's {@code Fsx} drives the simulated system calls directly
 * (mmap included); this one sees the mount as any program does, through the host kernel.
 */
final class HostFsx {
  static final int FALLOC_FL_KEEP_SIZE = 0x01;
  static final int FALLOC_FL_PUNCH_HOLE = 0x02;
  static final int FALLOC_FL_ZERO_RANGE = 0x10;
  static final int EOPNOTSUPP = 95;
  static final int ENXIO = 6;

  private static final int MAX_SIZE = 256 * 1024;
  private static final int MAX_LEN = 64 * 1024;

  /** The outcome: null failure when every operation checked out. */
  record Result(long operations, @Nullable String failure, String history,
      java.util.Map<String, Integer> counts) {}

  private final HostIo io;
  private final SplittableRandom rng;
  private final Path dir;
  private final String[] names = {"fsx_file", "fsx_copy"};
  private final int[] fds = new int[2];
  private final byte[][] model = {new byte[MAX_SIZE * 2], new byte[MAX_SIZE * 2]};
  private final long[] size = new long[2];
  private final Deque<String> history = new ArrayDeque<>();
  /** fallocate modes the filesystem refused with EOPNOTSUPP (then never tried again). */
  private final java.util.Set<Integer> unsupported = new java.util.HashSet<>();

  HostFsx(HostIo io, Path dir, long seed) {
    this.io = io;
    this.dir = dir;
    this.rng = new SplittableRandom(seed);
  }

  Result run(long operations) {
    long op = 0;
    try {
      for (int i = 0; i < 2; i++) {
        fds[i] = io.open(dir.resolve(names[i]).toString(), HostIo.O_RDWR | HostIo.O_CREAT);
        io.ftruncate(fds[i], 0);
      }
      for (op = 1; op <= operations; op++) {
        step();
        for (int i = 0; i < 2; i++) {
          expect("size of " + names[i], size[i], io.size(fds[i]));
        }
        if (op % 64 == 0) {
          for (int i = 0; i < 2; i++) {
            verify(i, 0, (int) size[i]);
          }
        }
      }
      for (int i = 0; i < 2; i++) {
        verify(i, 0, (int) size[i]);
        io.close(fds[i]);
      }
      return new Result(operations, null, "", counts);
    } catch (RuntimeException e) {
      return new Result(op, "op " + op + ": " + e.getMessage(), String.join("\n", history),
          counts);
    }
  }

  private final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();

  private void log(String s) {
    String kind = s.startsWith("fallocate") ? s.substring(0, s.indexOf(' ', s.indexOf("mode")
        + 5)) : s.substring(0, s.indexOf(' '));
    counts.merge(kind.replace(" " + names[0], "").replace(" " + names[1], ""), 1,
        Integer::sum);
    history.addLast(s);
    if (history.size() > 16) {
      history.removeFirst();
    }
  }

  private long off(long bound) {
    return bound <= 0 ? 0 : rng.nextLong(bound);
  }

  private int len() {
    return 1 + rng.nextInt(MAX_LEN);
  }

  private void step() {
    int f = rng.nextInt(2);
    int pick = rng.nextInt(100);
    if (pick < 25) {
      int n = len();
      long at = off(Math.max(1, size[f]));
      log("read " + names[f] + " " + at + "+" + n);
      verify(f, at, n);
    } else if (pick < 50) {
      int n = len();
      long at = off(MAX_SIZE - n);
      byte[] data = new byte[n];
      rng.nextBytes(data);
      log("write " + names[f] + " " + at + "+" + n);
      io.pwrite(fds[f], data, at);
      System.arraycopy(data, 0, model[f], (int) at, n);
      size[f] = Math.max(size[f], at + n);
    } else if (pick < 58) {
      long to = off(MAX_SIZE);
      log("truncate " + names[f] + " " + to);
      io.ftruncate(fds[f], to);
      setSize(f, to);
    } else if (pick < 70) {
      int[] modes = {0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
          FALLOC_FL_ZERO_RANGE, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE};
      int mode = modes[rng.nextInt(modes.length)];
      int n = len();
      long at = off(MAX_SIZE - n);
      if (unsupported.contains(mode)) {
        return;
      }
      log("fallocate " + names[f] + " mode " + mode + " " + at + "+" + n);
      try {
        io.fallocate(fds[f], mode, at, n);
      } catch (HostIo.HostError e) {
        if (e.errno == EOPNOTSUPP) {
          unsupported.add(mode);
          counts.merge("EOPNOTSUPP mode " + mode, 1, Integer::sum);
          return;
        }
        throw e;
      }
      if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0) {
        long end = (mode & FALLOC_FL_KEEP_SIZE) != 0 ? Math.min(at + n, size[f]) : at + n;
        if (end > at) {
          Arrays.fill(model[f], (int) at, (int) end, (byte) 0);
        }
      }
      if ((mode & FALLOC_FL_KEEP_SIZE) == 0) {
        size[f] = Math.max(size[f], at + n);
      }
    } else if (pick < 76) {
      log("fsync " + names[f]);
      io.fsync(fds[f]);
    } else if (pick < 82) {
      log("close/open " + names[f]);
      io.close(fds[f]);
      fds[f] = io.open(dir.resolve(names[f]).toString(), HostIo.O_RDWR);
    } else if (pick < 90) {
      int src = f;
      int dst = 1 - f;
      if (size[src] == 0) {
        return;
      }
      long from = off(size[src]);
      int n = (int) Math.min(len(), size[src] - from);
      long to = off(MAX_SIZE - n);
      log("copy_file_range " + names[src] + " " + from + "+" + n + " -> " + names[dst] + " "
          + to);
      long done = 0;
      while (done < n) {
        long c = io.copyFileRange(fds[src], from + done, fds[dst], to + done, n - done);
        if (c == 0) {
          break;
        }
        done += c;
      }
      expect("bytes copied", n, done);
      System.arraycopy(model[src], (int) from, model[dst], (int) to, n);
      size[dst] = Math.max(size[dst], to + n);
    } else {
      seekCheck(f);
    }
  }

  /** SEEK_DATA/SEEK_HOLE answers must agree with the model: holes read as zeros. */
  private void seekCheck(int f) {
    if (size[f] == 0) {
      return;
    }
    long at = off(size[f]);
    boolean data = rng.nextBoolean();
    log((data ? "seek_data " : "seek_hole ") + names[f] + " " + at);
    long r;
    try {
      r = io.lseek(fds[f], at, data ? HostIo.SEEK_DATA : HostIo.SEEK_HOLE);
    } catch (HostIo.HostError e) {
      if (data && e.errno == ENXIO) {
        // No data at or after 'at': everything from there to EOF must be zeros.
        checkZeros(f, at, size[f], "SEEK_DATA said ENXIO");
        return;
      }
      throw e;
    }
    if (r < at || r > size[f]) {
      throw new IllegalStateException((data ? "SEEK_DATA" : "SEEK_HOLE") + " " + at + " -> "
          + r + ", outside [" + at + ", " + size[f] + "]");
    }
    if (data) {
      checkZeros(f, at, r, "SEEK_DATA skipped it");
    } else if (r < size[f]) {
      checkZeros(f, r, Math.min(size[f], r + 1), "SEEK_HOLE pointed at it");
    }
  }

  private void checkZeros(int f, long from, long to, String why) {
    for (long i = from; i < to; i++) {
      if (model[f][(int) i] != 0) {
        throw new IllegalStateException(names[f] + ": byte " + i + " is data (0x"
            + Integer.toHexString(model[f][(int) i] & 0xff) + ") but " + why);
      }
    }
  }

  private void setSize(int f, long to) {
    if (to < size[f]) {
      Arrays.fill(model[f], (int) to, (int) size[f], (byte) 0);
    }
    size[f] = to;
  }

  private void verify(int f, long at, int n) {
    byte[] got = io.pread(fds[f], n, at);
    long expectLen = Math.max(0, Math.min(n, size[f] - at));
    expect("bytes read from " + names[f] + " at " + at, expectLen, got.length);
    for (int i = 0; i < got.length; i++) {
      if (got[i] != model[f][(int) at + i]) {
        throw new IllegalStateException(names[f] + ": byte " + (at + i) + " is 0x"
            + Integer.toHexString(got[i] & 0xff) + ", expected 0x"
            + Integer.toHexString(model[f][(int) at + i] & 0xff));
      }
    }
  }

  private static void expect(String what, long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException(what + ": " + actual + ", expected " + expected);
    }
  }
}
