package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Configuration;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;

/** What delayed allocation and speculative preallocation do to file layout. */
@ExtendWith(LockValidatorExtension.class)
class DelallocLayoutTest {
  private static final Configuration SMALL_MEMORY =
      Configuration.builder().memoryBytes(32L << 20).build();

  @Test
  void sixtyFourMibOfFourKibAppendsEndsUpInAHandfulOfExtents() {
    XfsFixture f = new XfsFixture(SMALL_MEMORY, 1L << 30, true, "", "");
    int fd = f.create("big");
    byte[] page = XfsFixture.pattern(4096, 5);
    long total = 64L << 20;
    for (long off = 0; off < total; off += 4096) {
      assertEquals(4096, f.sys.writeBytes(fd, page));
    }
    f.check();
    f.sys.sync();
    f.check();
    List<FiemapExtent> map = f.sys.fiemap(fd, 0, total, 0);
    int extents = XfsFixture.filefragExtents(map);
    System.out.printf("64 MiB in 4 KiB appends: %d extents %s; counters %s%n", extents, map,
        f.sb.counters());
    assertTrue(extents <= 4, "extents: " + map);
    XfsSuperBlock.Space s = f.sb.space();
    assertEquals(0, s.reservedData(), "delalloc data reservation after sync");
    assertEquals(0, s.reservedIndlen(), "indlen reservation after sync");
    assertEquals(0, f.inode("big").delayedBlocks());
    assertEquals(total, f.sys.fstat(fd).size());
  }

  /** Four files grown in turns, each append fsynced, so nothing can batch the appends. */
  /** Smith-Seltzer layout score: blocks after the first whose physical block follows the previous. */
  static double[] layoutScore(List<FiemapExtent> map) {
    long num = 0;
    long den = 0;
    long nextPhys = -1;
    for (FiemapExtent e : map) {
      long blocks = e.length() / 4096;
      if (den + num > 0 || nextPhys >= 0) {
        den++;
        num += e.physical() == nextPhys ? 1 : 0;
      }
      num += blocks - 1;
      den += blocks - 1;
      nextPhys = e.physical() + e.length();
    }
    return new double[] {num, den};
  }

  static double lastScore;

  static int[] fourFilesInTurns(String mountOpts, int rounds) {
    XfsFixture f = new XfsFixture(256L << 20, true, "", mountOpts);
    int[] fds = new int[4];
    for (int k = 0; k < 4; k++) {
      fds[k] = f.create("f" + k);
    }
    byte[] page = new byte[4096];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < 4; k++) {
        f.sys.writeBytes(fds[k], page);
        f.sys.fsync(fds[k]);
      }
    }
    f.check();
    int[] out = new int[4];
    double num = 0;
    double den = 0;
    for (int k = 0; k < 4; k++) {
      List<FiemapExtent> map = f.sys.fiemap(fds[k], 0, (long) rounds * 4096, 0);
      out[k] = XfsFixture.filefragExtents(map);
      double[] s = layoutScore(map);
      num += s[0];
      den += s[1];
    }
    lastScore = num / den;
    return out;
  }

  @Test
  void delallocGivesFewerExtentsPerFileThanUnwrittenAtWriteTime() {
    int rounds = 256; // 1 MiB per file
    int[] delalloc = fourFilesInTurns("alloc=delalloc", rounds);
    double delallocScore = lastScore;
    int[] unwritten = fourFilesInTurns("alloc=unwritten", rounds);
    double unwrittenScore = lastScore;
    System.out.printf("four files x %d appends: extents per file delalloc=%s (layout score %.3f)"
        + " unwritten=%s (layout score %.3f)%n", rounds, java.util.Arrays.toString(delalloc),
        delallocScore, java.util.Arrays.toString(unwritten), unwrittenScore);
    assertTrue(delallocScore > unwrittenScore);
    for (int k = 0; k < 4; k++) {
      assertTrue(delalloc[k] < unwritten[k],
          "file " + k + ": delalloc " + delalloc[k] + " vs unwritten " + unwritten[k]);
    }
  }
}
