package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

@ExtendWith(LockValidatorExtension.class)
class WorkloadTest {
  /** Smith and Seltzer: blocks after the first whose physical block follows the previous one's. */
  private static long[] layout(List<FiemapExtent> fm, int bs) {
    long contiguous = 0;
    long blocks = 0;
    long prevPhys = Long.MIN_VALUE;
    for (FiemapExtent x : fm) {
      for (long off = 0; off < x.length(); off += bs) {
        long phys = x.physical() + off;
        if (blocks > 0 && phys == prevPhys + bs) {
          contiguous++;
        }
        prevPhys = phys;
        blocks++;
      }
    }
    return new long[] {contiguous, Math.max(0, blocks - 1)};
  }

  /** FAST'17 intra-file benchmark: ten files, 4 KiB appended to each and fsynced, in turns. */
  @Test
  void interleavedFsyncedAppendsDegradeLayoutThroughTheSharedCursor() {
    Rig r = new Rig("");
    int files = 10;
    int rounds = 32;
    int[] fds = new int[files];
    for (int f = 0; f < files; f++) {
      fds[f] = r.create("/mnt/f" + f);
    }
    for (int round = 0; round < rounds; round++) {
      for (int f = 0; f < files; f++) {
        r.sys.pwriteBytes(fds[f], Rig.pattern(Rig.PAGE, f * 1000 + round), (long) round * Rig.PAGE);
        r.sys.fsync(fds[f]);
      }
    }
    long num = 0;
    long den = 0;
    for (int f = 0; f < files; f++) {
      long[] s = layout(r.sys.fiemap(fds[f], 0, 0, 0), Rig.PAGE);
      num += s[0];
      den += s[1];
    }
    double interleaved = (double) num / den;
    int single = r.create("/mnt/single");
    for (int round = 0; round < rounds; round++) {
      r.sys.pwriteBytes(single, Rig.pattern(Rig.PAGE, round), (long) round * Rig.PAGE);
      r.sys.fsync(single);
    }
    long[] s = layout(r.sys.fiemap(single, 0, 0, 0), Rig.PAGE);
    double alone = (double) s[0] / s[1];
    System.out.printf("intra-file layout score: 10 interleaved fsynced appenders %.3f, "
        + "one appender %.3f (%d log syncs, %d metadata blocks written)%n", interleaved, alone,
        r.counter("log_syncs"), r.counter("metadata_blocks_written"));
    assertTrue(interleaved < 0.05, "btrfs falls to near 0: " + interleaved);
    assertEquals(1.0, alone, 1e-9, "a lone appender's allocations follow one another");
    r.assertClean();
  }

  /** A mixed workload whose reservation counters the report quotes; checked by conservation. */
  @Test
  void mixedWorkloadCountersBalance() {
    long seed = 20260101L;
    System.out.println("mixed workload seed=" + seed);
    Random rnd = new Random(seed);
    Rig r = new Rig("max_chunk_pages=4,commit=10");
    int[] fds = new int[4];
    for (int f = 0; f < fds.length; f++) {
      fds[f] = r.create("/mnt/m" + f);
    }
    long buf = r.sys.mmapAnonymous(16 * Rig.PAGE);
    r.sys.store(buf, Rig.pattern(16 * Rig.PAGE, 42));
    for (int op = 0; op < 600; op++) {
      int fd = fds[rnd.nextInt(fds.length)];
      switch (rnd.nextInt(10)) {
        case 0 -> r.sys.fsync(fd);
        case 1 -> r.sys.fallocate(fd, FallocMode.KEEP_SIZE, rnd.nextInt(64) * (long) Rig.PAGE,
            (1 + rnd.nextInt(8)) * (long) Rig.PAGE);
        case 2 -> r.sys.cloneRange(fds[0], 0, fds[3], 0, Math.min(r.sys.fstat(fds[0]).size(),
            r.sys.fstat(fds[0]).size() / Rig.PAGE * Rig.PAGE));
        case 3 -> r.sys.ftruncate(fd, rnd.nextInt(256 * 1024));
        case 4 -> r.m.clock().advance(Duration.ofSeconds(3));
        default -> r.sys.pwrite(fd, buf + rnd.nextInt(Rig.PAGE), 1 + rnd.nextInt(12 * Rig.PAGE),
            rnd.nextInt(256 * 1024));
      }
      if (op % 25 == 0) {
        r.assertClean();
      }
    }
    long map = r.sys.mmap(0, Rig.PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED,
        fds[1], 0);
    r.sys.ftruncate(fds[1], Math.max(Rig.PAGE, r.sys.fstat(fds[1]).size()));
    r.sys.store(map, new byte[] {9, 9, 9}); // page_mkwrite reserves delalloc space
    r.assertClean();
    r.sys.sync();
    assertArrayEquals(new byte[] {9, 9, 9}, r.sys.preadBytes(fds[1], 3, 0));
    Map<String, Long> c = r.fs().counters();
    assertEquals(0, c.get("data_may_use"));
    assertEquals(0, c.get("meta_may_use"));
    assertEquals(c.get("data_reserved_bytes"),
        c.get("data_released_bytes") + c.get("cow_bytes"));
    assertEquals(c.get("meta_reserved_bytes"), c.get("meta_released_bytes"));
    StringBuilder sb = new StringBuilder("mixed workload counters:\n");
    c.forEach((k, v) -> sb.append("  ").append(k).append('=').append(v).append('\n'));
    System.out.print(sb);
    r.assertClean();
  }

}
