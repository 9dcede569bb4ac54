package org.vfsim.write;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.Folio;

/**
 * An iterator over the segments of an I/O ({@code struct iov_iter}): user memory segments of a
 * process ({@code ITER_IOVEC}), or kernel buffers ({@code ITER_KVEC}), which never fault. Copies
 * advance it; {@link #revert} undoes an advance when {@code write_end} committed less than was
 * copied.
 */
public final class IovIter {
  private final @Nullable Mm mm;
  private final long[] bases;
  private final long[] lens;
  private final byte @Nullable [][] kbufs;
  private int seg;
  private long segOff;
  private long count;

  private IovIter(@Nullable Mm mm, long[] bases, long[] lens, byte @Nullable [][] kbufs) {
    this.mm = mm;
    this.bases = bases;
    this.lens = lens;
    this.kbufs = kbufs;
    long total = 0;
    for (long l : lens) {
      checkArgument(l >= 0, "negative segment length %s", l);
      total += l;
      checkArgument(total >= 0, "segments overflow");
    }
    this.count = total;
    skipEmpty();
  }

  /** One user segment of {@code mm} ({@code ITER_UBUF}). */
  public static IovIter user(Mm mm, long addr, long len) {
    return new IovIter(mm, new long[] {addr}, new long[] {len}, null);
  }

  /** Several user segments ({@code ITER_IOVEC}, as {@code writev} builds it). */
  public static IovIter user(Mm mm, long[] addrs, long[] lens) {
    checkArgument(addrs.length == lens.length, "addresses and lengths differ in number");
    return new IovIter(mm, addrs.clone(), lens.clone(), null);
  }

  /** A kernel buffer ({@code ITER_KVEC}): copies from it never fault. */
  public static IovIter kernel(byte[] buf, int off, int len) {
    checkArgument(off >= 0 && len >= 0 && off + len <= buf.length, "bad buffer range");
    return new IovIter(null, new long[] {off}, new long[] {len}, new byte[][] {buf});
  }

  public boolean isUser() {
    return kbufs == null;
  }

  /** Bytes left ({@code iov_iter_count}). */
  public long count() {
    return count;
  }

  /** Bytes left in the current segment ({@code iov_iter_single_seg_count}). */
  public long singleSegCount() {
    return seg < lens.length ? lens[seg] - segOff : 0;
  }

  /** Limits the iterator to {@code n} bytes ({@code iov_iter_truncate}); returns the bytes cut. */
  public long truncate(long n) {
    if (n >= count) {
      return 0;
    }
    long cut = count - n;
    count = n;
    return cut;
  }

  /** Adds back bytes removed by {@link #truncate} ({@code iov_iter_reexpand}). */
  public void reexpand(long n) {
    count += n;
  }

  private void skipEmpty() {
    while (seg < lens.length && segOff == lens[seg] && count > 0) {
      seg++;
      segOff = 0;
    }
  }

  public void advance(long n) {
    checkArgument(n >= 0 && n <= count, "advance %s beyond %s", n, count);
    count -= n;
    while (n > 0) {
      long left = lens[seg] - segOff;
      if (n < left) {
        segOff += n;
        break;
      }
      n -= left;
      seg++;
      segOff = 0;
    }
    skipEmpty();
  }

  public void revert(long n) {
    checkArgument(n >= 0, "negative revert");
    // Walk back on copies: a revert past the start must leave the iterator as it was.
    int s = seg;
    long off = segOff;
    long left = n;
    while (left > 0) {
      if (off == 0) {
        checkState(s > 0, "revert past the start");
        s--;
        off = lens[s];
      }
      long back = Math.min(left, off);
      off -= back;
      left -= back;
    }
    seg = s;
    segOff = off;
    count += n;
  }

  /**
   * {@code fault_in_iov_iter_readable}: faults in the next {@code bytes}; returns how many could
   * not be (0 if all are present). Kernel buffers are always present.
   */
  public long faultInReadable(Task task, long bytes) {
    return faultIn(task, bytes, false);
  }

  public long faultInWriteable(Task task, long bytes) {
    return faultIn(task, bytes, true);
  }

  private long faultIn(Task task, long bytes, boolean write) {
    bytes = Math.min(bytes, count);
    if (mm == null) {
      return 0;
    }
    long left = bytes;
    int s = seg;
    long off = segOff;
    while (left > 0 && s < lens.length) {
      long n = Math.min(left, lens[s] - off);
      if (n > 0) {
        long missing = write ? mm.faultInWriteable(task, bases[s] + off, n)
            : mm.faultInReadable(task, bases[s] + off, n);
        if (missing > 0) {
          return left - (n - missing);
        }
        left -= n;
      }
      s++;
      off = 0;
    }
    return left;
  }

  /**
   * {@code copy_folio_from_iter_atomic}: copies up to {@code bytes} into {@code dst} with page
   * faults disabled, so it stops at the first source page that is not present. Advances by the
   * bytes copied and returns them.
   */
  public int copyFromIterAtomic(Task task, byte[] dst, int off, int bytes) {
    task.pagefaultDisable();
    try {
      return copyFrom(task, dst, off, bytes);
    } finally {
      task.pagefaultEnable();
    }
  }

  /** Copies into the folio at {@code offset} with faults disabled; see {@link #copyFromIterAtomic}. */
  public int copyFolioFromIterAtomic(Task task, Folio folio, int offset, int bytes) {
    return copyFromIterAtomic(task, folio.data(), offset, bytes);
  }

  /**
   * {@code copy_from_iter} with page faults enabled: may take {@code mmap_lock} and page locks.
   * Never call it while holding a folio lock; the lock validator reports that.
   */
  public int copyFromIter(Task task, byte[] dst, int off, int bytes) {
    return copyFrom(task, dst, off, bytes);
  }

  private int copyFrom(Task task, byte[] dst, int off, int bytes) {
    int want = (int) Math.min(bytes, count);
    int done = 0;
    while (done < want) {
      int n = (int) Math.min(want - done, lens[seg] - segOff);
      int got;
      if (kbufs != null) {
        System.arraycopy(kbufs[seg], (int) (bases[seg] + segOff), dst, off + done, n);
        got = n;
      } else {
        got = mm.copyFromUser(task, bases[seg] + segOff, dst, off + done, n);
      }
      advance(got);
      done += got;
      if (got < n) {
        break;
      }
    }
    return done;
  }

  /** {@code copy_to_iter}, faults enabled (reads hold no page lock while copying). */
  public int copyToIter(Task task, byte[] src, int off, int bytes) {
    int want = (int) Math.min(bytes, count);
    int done = 0;
    while (done < want) {
      int n = (int) Math.min(want - done, lens[seg] - segOff);
      int got;
      if (kbufs != null) {
        System.arraycopy(src, off + done, kbufs[seg], (int) (bases[seg] + segOff), n);
        got = n;
      } else {
        got = mm.copyToUser(task, bases[seg] + segOff, src, off + done, n);
      }
      advance(got);
      done += got;
      if (got < n) {
        break;
      }
    }
    return done;
  }

  @Override
  public String toString() {
    return (isUser() ? "iovec" : "kvec") + "[segments=" + lens.length + ", at=" + seg + "+" + segOff
        + ", count=" + count + "]";
  }
}
