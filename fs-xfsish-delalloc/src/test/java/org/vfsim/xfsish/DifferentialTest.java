package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.fs.FallocMode;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.ErrnoException;

/**
 * perform_write (iomap) and generic_perform_write (write_path=generic) must give the same
 * user-visible results - return values, errnos, sizes, bytes - for the same calls.
 */
@ExtendWith(LockValidatorExtension.class)
class DifferentialTest {
  static final int BS = 4096;

  /** One call's outcome: bytes returned or the errno, then size and contents after it. */
  record Outcome(String result, long size, int contentHash) {}

  static String run(java.util.function.LongSupplier call) {
    try {
      return Long.toString(call.getAsLong());
    } catch (ErrnoException e) {
      return e.errno().name();
    }
  }

  /** A pwrite from a fresh anonymous buffer of which the pages in {@code holes} are unmapped. */
  static String pwriteWithHoles(XfsFixture f, int fd, long pos, int len, int srcOff, long holeMask,
      int seed) {
    int pages = (srcOff + len + BS - 1) / BS;
    long buf = f.sys.mmapAnonymous((long) pages * BS);
    f.sys.store(buf, XfsFixture.pattern(pages * BS, seed));
    for (int p = 0; p < pages; p++) {
      if ((holeMask >>> p & 1) != 0) {
        f.sys.munmap(buf + (long) p * BS, BS);
      }
    }
    String r = run(() -> f.sys.pwrite(fd, buf + srcOff, len, pos));
    f.sys.munmap(buf, (long) pages * BS);
    return r;
  }

  static List<Outcome> randomOps(XfsFixture f, long seed, int ops) {
    Random rnd = new Random(seed);
    int fd = f.create("d");
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      int kind = rnd.nextInt(10);
      String r;
      if (kind < 6) {
        long pos = rnd.nextInt(400 * BS);
        int len = 1 + rnd.nextInt(12 * BS);
        int srcOff = rnd.nextInt(BS);
        long holes = rnd.nextInt(4) == 0 ? 1L << rnd.nextInt(1 + (srcOff + len) / BS) : 0;
        r = pwriteWithHoles(f, fd, pos, len, srcOff, holes, i);
      } else if (kind == 6) {
        long len = rnd.nextInt(420 * BS);
        r = run(() -> {
          f.sys.ftruncate(fd, len);
          return 0;
        });
      } else if (kind == 7) {
        r = run(() -> {
          f.sys.fsync(fd);
          return 0;
        });
      } else if (kind == 8) {
        long off = rnd.nextInt(300 * BS);
        long len = 1 + rnd.nextInt(20 * BS);
        r = run(() -> {
          f.sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, off, len);
          return 0;
        });
      } else {
        long a = f.sys.mmapAnonymous(2 * BS);
        long b = f.sys.mmapAnonymous(2 * BS);
        f.sys.store(a, XfsFixture.pattern(2 * BS, i));
        f.sys.store(b, XfsFixture.pattern(2 * BS, i + 1));
        long pos = rnd.nextInt(400 * BS);
        r = run(() -> f.sys.pwritev(fd, new long[] {a + 10, b}, new long[] {BS + 7, 2 * BS - 1}, pos));
        f.sys.munmap(a, 2 * BS);
        f.sys.munmap(b, 2 * BS);
      }
      f.check();
      long size = f.sys.fstat(fd).size();
      byte[] all = f.sys.preadBytes(fd, (int) size, 0);
      out.add(new Outcome(r, size, java.util.Arrays.hashCode(all)));
    }
    return out;
  }

  @Test
  void randomCallsGiveIdenticalResults() {
    long seed = Long.getLong("vfsim.seed", 20260526L);
    System.out.println("DifferentialTest seed " + seed);
    List<Outcome> iomap = randomOps(new XfsFixture(64L << 20, false, "", ""), seed, 120);
    List<Outcome> generic = randomOps(new XfsFixture(64L << 20, false, "", "write_path=generic"),
        seed, 120);
    for (int i = 0; i < iomap.size(); i++) {
      assertEquals(iomap.get(i), generic.get(i), "call " + i + " (seed " + seed + ")");
    }
    assertNotEquals(0, iomap.stream().filter(o -> o.result().equals("EFAULT")).count()
        + iomap.stream().filter(o -> o.result().matches("\\d+") && !o.result().equals("0")).count());
  }

  /** Runs {@code scenario} on both write paths and returns their outcomes. */
  static List<List<String>> both(String mkfs, Function<XfsFixture, List<String>> scenario) {
    List<List<String>> out = new ArrayList<>();
    for (String path : new String[] {"write_path=iomap", "write_path=generic"}) {
      XfsFixture f = new XfsFixture(16L << 20, false, mkfs, path);
      out.add(scenario.apply(f));
      f.check();
    }
    return out;
  }

  @Test
  void failedAndShortWritesAgree() {
    List<List<String>> r = both("agcount=1", f -> {
      List<String> res = new ArrayList<>();
      int fd = f.create("a");
      res.add(run(() -> f.sys.pwriteBytes(fd, new byte[2 * BS], 0)));
      f.sys.fsync(fd);
      int filler = f.create("filler");
      f.sys.fallocate(filler, 0, 0, f.sb.fdblocks() * BS);
      byte[] data = XfsFixture.pattern(5 * BS, 3);
      res.add(run(() -> f.sys.pwriteBytes(fd, data, BS + 17))); // short: the written blocks only
      res.add(run(() -> f.sys.pwriteBytes(fd, data, 2 * BS))); // ENOSPC
      res.add(pwriteWithHoles(f, fd, 0, 3 * BS, 5, 0b10, 4)); // partial, then
      res.add(pwriteWithHoles(f, fd, 0, 3 * BS, 5, 0b1, 4)); // EFAULT
      res.add(Long.toString(f.sys.fstat(fd).size()));
      res.add(java.util.Arrays.toString(f.sys.preadBytes(fd, 2 * BS, 0)));
      return res;
    });
    assertEquals(r.get(0), r.get(1));
    // Two blocks; up to the end of the written blocks; nothing fits; the mapped source page
    // minus the 5-byte offset; nothing faultable; the size never passed the written blocks.
    List<String> want = List.of("" + 2 * BS, "" + (2 * BS - (BS + 17)), "ENOSPC", "" + (BS - 5),
        "EFAULT", "" + 2 * BS);
    assertEquals(want, r.get(0).subList(0, 6));
  }

  @Test
  void theGenericVariantReallyUsesTheGenericPath() {
    XfsFixture g = new XfsFixture(16L << 20, false, "", "write_path=generic");
    XfsFixture i = new XfsFixture(16L << 20, false, "", "");
    int gf = g.create("a");
    int fi = i.create("a");
    assertEquals(false, g.inode("a").mapping().aops() instanceof org.vfsim.fs.PerformWrite);
    assertEquals(true, i.inode("a").mapping().aops() instanceof org.vfsim.fs.PerformWrite);
    byte[] data = XfsFixture.pattern(8 * BS, 1);
    g.sys.pwriteBytes(gf, data, 0);
    i.sys.pwriteBytes(fi, data, 0);
    assertArrayEquals(g.sys.preadBytes(gf, data.length, 0), i.sys.preadBytes(fi, data.length, 0));
    // The generic path maps ahead as iomap does: one reservation for the whole write on both
    // (it used to reserve page by page, merging seven times).
    assertEquals(0, i.sb.counter(Counter.EXTENTS_MERGED));
    assertEquals(0, g.sb.counter(Counter.EXTENTS_MERGED));
    assertEquals(i.inode("a").delayedBlocks(), g.inode("a").delayedBlocks());
  }

  /**
   * A write that does not fit fails with ENOSPC as a whole on both paths (after the flush and
   * trim retry): iomap reserves the whole mapping in {@code iomap_begin}, and the generic path
   * maps ahead the same way, so it no longer writes the pages that fit one by one.
   */
  @Test
  void aWriteThatDoesNotFitFailsWholeOnBothPaths() {
    List<List<String>> r = both("agcount=1", f -> {
      int filler = f.create("filler");
      f.sys.fallocate(filler, 0, 0, (f.sb.fdblocks() - 20) * BS);
      int fd = f.create("a");
      List<String> res = new ArrayList<>();
      res.add(run(() -> f.sys.pwriteBytes(fd, new byte[40 * BS], 0)));
      res.add(Long.toString(f.sys.fstat(fd).size()));
      return res;
    });
    assertEquals(List.of("ENOSPC", "0"), r.get(0));
    assertEquals(r.get(0), r.get(1));
  }
}
