package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FallocMode;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Random writes, truncates, fsyncs, syncs and background writeback, then a power cut: each file
 * must be what its last fsync logged if that came after the last commit, else what the last
 * commit held.
 */
@ExtendWith(LockValidatorExtension.class)
class CrashConsistencyTest {
  @Test
  void afterAPowerCutEachFileIsItsLastFsyncOrTheLastCommit() {
    long seed = Long.getLong("seed", 0x5EED_0002L); // fixed; -Dseed=N explores
    System.out.println("CrashConsistencyTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      Rig r = new Rig("max_chunk_pages=" + (1 + rnd.nextInt(4)));
      int n = 3;
      int[] fds = new int[n];
      byte[][] live = new byte[n][];
      byte[][] committed = new byte[n][];
      byte[][] logged = new byte[n][];
      for (int f = 0; f < n; f++) {
        fds[f] = r.create("/mnt/f" + f);
        live[f] = new byte[0];
      }
      r.sys.sync();
      for (int f = 0; f < n; f++) {
        committed[f] = new byte[0];
      }
      for (int op = 0; op < 40; op++) {
        int f = rnd.nextInt(n);
        int kind = rnd.nextInt(11);
        if (Boolean.getBoolean("trace")) {
          System.out.println("round " + round + " op " + op + " file " + f + " kind " + kind);
        }
        switch (kind) {
          case 0 -> {
            r.sys.fsync(fds[f]);
            logged[f] = live[f].clone();
          }
          case 1 -> {
            r.sys.sync();
            for (int g = 0; g < n; g++) {
              committed[g] = live[g].clone();
              logged[g] = null;
            }
          }
          case 2 -> {
            int len = rnd.nextInt(5 * Rig.PAGE);
            if (Boolean.getBoolean("trace")) {
              System.out.println("  truncate " + len);
            }
            r.sys.ftruncate(fds[f], len);
            live[f] = Arrays.copyOf(live[f], len);
          }
          case 3 -> r.m.pageCache().syncAll(r.sys.task());
          case 8 -> r.sys.fallocate(fds[f], FallocMode.KEEP_SIZE, rnd.nextInt(8 * Rig.PAGE),
              1 + rnd.nextInt(4 * Rig.PAGE));
          case 9 -> {
            if (live[f].length > 0) {
              int from = rnd.nextInt(live[f].length);
              int len = 1 + rnd.nextInt(live[f].length - from);
              r.sys.fallocate(fds[f], FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, from, len);
              Arrays.fill(live[f], from, from + len, (byte) 0);
            }
          }
          case 10 -> {
            int src = (f + 1) % n;
            int blocks = live[src].length / Rig.PAGE;
            if (blocks > 0) {
              int from = rnd.nextInt(blocks) * Rig.PAGE;
              int len = (1 + rnd.nextInt(blocks - from / Rig.PAGE)) * Rig.PAGE;
              int to = rnd.nextInt(4) * Rig.PAGE;
              r.sys.cloneRange(fds[src], from, fds[f], to, len);
              if (to + len > live[f].length) {
                live[f] = Arrays.copyOf(live[f], to + len);
              }
              System.arraycopy(live[src], from, live[f], to, len);
            }
          }
          default -> {
            int pos = rnd.nextInt(6 * Rig.PAGE);
            byte[] d = Rig.pattern(1 + rnd.nextInt(3 * Rig.PAGE), round * 100 + op);
            if (Boolean.getBoolean("trace")) {
              System.out.println("  write " + pos + "+" + d.length);
            }
            r.sys.pwriteBytes(fds[f], d, pos);
            if (pos + d.length > live[f].length) {
              live[f] = Arrays.copyOf(live[f], pos + d.length);
            }
            System.arraycopy(d, 0, live[f], pos, d.length);
          }
        }
      }
      r.assertClean();
      for (int f = 0; f < n; f++) {
        assertArrayEquals(live[f], r.sys.preadBytes(fds[f], live[f].length + Rig.PAGE, 0),
            "before the cut: seed " + seed + " round " + round + " file " + f);
      }
      r.m.powerCut();
      Syscalls s = r.m.syscalls(r.m.spawn("after").mainTask());
      for (int f = 0; f < n; f++) {
        byte[] want = logged[f] != null ? logged[f] : committed[f];
        int fd = s.open("/mnt/f" + f, Fcntl.O_RDONLY);
        assertArrayEquals(want, s.preadBytes(fd, want.length + Rig.PAGE, 0),
            "seed " + seed + " round " + round + " file " + f);
      }
      r.assertClean();
    }
  }
}
