package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.OpenFile;
import org.vfsim.lockdep.LockValidatorExtension;
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
    long seed = System.nanoTime();
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
        switch (rnd.nextInt(8)) {
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
            r.sys.ftruncate(fds[f], len);
            live[f] = Arrays.copyOf(live[f], len);
          }
          case 3 -> r.m.pageCache().syncAll(r.sys.task());
          default -> {
            int pos = rnd.nextInt(6 * Rig.PAGE);
            byte[] d = Rig.pattern(1 + rnd.nextInt(3 * Rig.PAGE), round * 100 + op);
            r.sys.pwriteBytes(fds[f], d, pos);
            if (pos + d.length > live[f].length) {
              live[f] = Arrays.copyOf(live[f], pos + d.length);
            }
            System.arraycopy(d, 0, live[f], pos, d.length);
          }
        }
      }
      r.assertClean();
      r.m.powerCut();
      Syscalls s = r.m.syscalls(r.m.spawn("after").mainTask());
      for (int f = 0; f < n; f++) {
        byte[] want = logged[f] != null ? logged[f] : committed[f];
        int fd = s.open("/mnt/f" + f, OpenFile.O_RDONLY);
        assertArrayEquals(want, s.preadBytes(fd, want.length + Rig.PAGE, 0),
            "seed " + seed + " round " + round + " file " + f);
      }
      r.assertClean();
    }
  }
}
