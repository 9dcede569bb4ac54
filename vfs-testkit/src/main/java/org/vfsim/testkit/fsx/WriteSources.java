package org.vfsim.testkit.fsx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.MountedFilesystem;

/**
 * The user memory fsx's writes copy from, chosen among the write path's hard cases: the
 * anonymous buffer at a random misalignment (optionally swapped out), a shared mapping of the
 * file being written, a region whose last page is unmapped (a partial write, then EFAULT), and
 * an address with nothing mapped; for {@code WRITEV} a mix of them.
 */
final class WriteSources {
  /** One source segment of a write; {@code expect} is null for memory that is not there. */
  record Seg(long addr, int len, byte @Nullable [] expect, String kind) {}

  /**
   * A write's source: its segments in order, how the log names them, whether they are unmapped
   * again after fault-in (a race staged with hooks), and what to undo after the write.
   */
  record Choice(List<Seg> segs, String variant, boolean race, List<Runnable> undo) {
    /** The bytes the segments span. */
    long total() {
      long total = 0;
      for (Seg s : segs) {
        total += s.len();
      }
      return total;
    }

    /** The bytes before the first segment that is not there: what the write must return. */
    long expected() {
      long expected = 0;
      for (Seg s : segs) {
        if (s.expect() == null) {
          break;
        }
        expected += s.len();
      }
      return expected;
    }

    /** Applies to {@code model} what a write at {@code off} from these segments wrote. */
    void writeTo(FileModel model, long off) {
      long at = off;
      for (Seg s : segs) {
        if (s.expect() == null) {
          break;
        }
        model.write(at, s.expect(), 0, s.len());
        at += s.len();
      }
    }
  }

  private final SplittableRandom rng;
  private final MountedFilesystem fs;
  private long buf;
  /** Where the next anonymous source segment of this operation goes in the buffer. */
  private long cursor;

  WriteSources(SplittableRandom rng, MountedFilesystem fs) {
    this.rng = rng;
    this.fs = fs;
  }

  /** {@code len} random bytes of {@code rng}. */
  static byte[] randomBytes(SplittableRandom rng, int len) {
    byte[] b = new byte[len];
    rng.nextBytes(b);
    return b;
  }

  /**
   * Chooses the source of a write of {@code len} bytes at {@code off} to the file open as
   * {@code fd} (modelled by {@code model}), with the anonymous segments in {@code buf}.
   */
  Choice choose(long buf, FileModel model, int fd, long off, int len, boolean vectored) {
    this.buf = buf;
    cursor = 0;
    List<Seg> segs = new ArrayList<>();
    List<Runnable> undo = new ArrayList<>();
    String variant;
    boolean race = false;
    if (!vectored) {
      int v = rng.nextInt(10);
      if (v <= 4) {
        segs.add(anonSeg(len, false));
        variant = "anon";
      } else if (v <= 6) {
        segs.add(anonSeg(len, true));
        variant = "swapped-out source";
      } else if (v == 7) {
        segs.add(anonSeg(len, false));
        race = true;
        variant = "source unmapped after fault-in";
      } else if (v == 8) {
        Seg s = selfSeg(model, fd, off, len, undo);
        segs.add(s != null ? s : anonSeg(len, false));
        variant = s != null ? s.kind() : "anon";
      } else {
        variant = "half-mapped source";
        halfMapped(len, segs, undo);
      }
    } else {
      int nsegs = 2 + rng.nextInt(3);
      int left = len;
      StringBuilder kinds = new StringBuilder();
      for (int s = 0; s < nsegs && left > 0; s++) {
        int l = s == nsegs - 1 ? left : 1 + rng.nextInt(left);
        left -= l;
        int k = rng.nextInt(4);
        Seg seg = k == 0 ? anonSeg(l, false) : k == 1 ? anonSeg(l, true)
            : k == 2 ? selfSeg(model, fd, off, len, undo) : null;
        if (seg == null || seg.len() != l) {
          if (seg != null) {
            seg = new Seg(seg.addr(), l, Arrays.copyOf(seg.expect(), l), seg.kind());
          } else {
            seg = anonSeg(l, false);
          }
        }
        segs.add(seg);
        kinds.append(kinds.isEmpty() ? "" : ",").append(seg.kind());
      }
      race = rng.nextInt(4) == 0;
      if (rng.nextInt(5) == 0) {
        segs.add(new Seg(unmappedAddress(), 1 + rng.nextInt(Folio.SIZE), null, "unmapped"));
        kinds.append(",unmapped");
      }
      variant = kinds + (race ? " +unmap race" : "");
    }
    return new Choice(segs, variant, race, undo);
  }

  /** Data stored into the anonymous buffer at a random misalignment; optionally swapped out. */
  private Seg anonSeg(int len, boolean swapOut) {
    long addr = buf + cursor + rng.nextInt(Folio.SIZE);
    cursor = (addr - buf + len + Folio.SIZE) & ~((long) Folio.SIZE - 1);
    byte[] data = randomBytes(rng, len);
    fs.sys().store(addr, data);
    if (swapOut) {
      Mm mm = fs.process().mm();
      for (long a = addr & ~((long) Folio.SIZE - 1); a < addr + len; a += Folio.SIZE) {
        if (rng.nextBoolean()) {
          mm.reclaimUserPage(a);
        }
      }
    }
    return new Seg(addr, len, data, swapOut ? "swapped" : "anon");
  }

  /**
   * A source that is a shared mapping of the file being written, over bytes the write does not
   * overwrite (so the expected result does not depend on copy order); null if none fits.
   */
  private @Nullable Seg selfSeg(FileModel model, int fd, long off, int len,
      List<Runnable> undo) {
    long size = model.size();
    if (size < len) {
      return null;
    }
    long src = rng.nextLong(size - len + 1);
    if (src < off + len && off < src + len) {
      return null;
    }
    long mapStart = src & ~((long) Folio.SIZE - 1);
    long mapLen = src + len - mapStart;
    Syscalls sys = fs.sys();
    long map = sys.mmap(0, mapLen, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, mapStart);
    undo.add(() -> fs.sys().munmap(map, mapLen));
    return new Seg(map + (src - mapStart), len, model.read(src, len), "mmap-of-same-file");
  }

  /**
   * A source whose first part is mapped and whose last page is not: a partial write, then
   * EFAULT.
   */
  private void halfMapped(int len, List<Seg> segs, List<Runnable> undo) {
    int pages = 1 + (len + Folio.SIZE - 1) / Folio.SIZE;
    Syscalls sys = fs.sys();
    long region = sys.mmapAnonymous((long) (pages + 1) * Folio.SIZE);
    undo.add(() -> fs.sys().munmap(region, (long) (pages + 1) * Folio.SIZE));
    long hole = region + (long) pages * Folio.SIZE;
    sys.munmap(hole, Folio.SIZE);
    int k = rng.nextInt(Folio.SIZE);
    long addr = hole - Math.min(len, (long) pages * Folio.SIZE - k);
    int validLen = (int) (hole - addr);
    byte[] data = randomBytes(rng, validLen);
    sys.store(addr, data);
    segs.add(new Seg(addr, validLen, data, "mapped"));
    segs.add(new Seg(hole, 1 + rng.nextInt(Folio.SIZE), null, "unmapped"));
  }

  /** An address with nothing mapped (a page mapped, then unmapped). */
  private long unmappedAddress() {
    Syscalls sys = fs.sys();
    long region = sys.mmapAnonymous(Folio.SIZE);
    sys.munmap(region, Folio.SIZE);
    return region;
  }
}
