package org.vfsim.nio;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.vfsim.syscall.Errno;

/**
 * The injected faults of one host, consulted at the system-call boundary, as a fault-injecting
 * layer between a program and the kernel sees them: counts of writes and fsyncs still to fail,
 * and byte ranges of files whose reads fail. Guarded by the host's lock.
 */
final class FaultState {
  /** A range of one file ({@code st_dev}, {@code st_ino}) whose reads fail with EIO. */
  record BadRange(long dev, long ino, long start, long end) {}

  private int writesToFail;
  private Errno writeErrno = Errno.EIO;
  private int fsyncsToFail;
  private Errno fsyncErrno = Errno.EIO;
  private final List<BadRange> badRanges = new ArrayList<>();
  private int fired;

  synchronized void failWrites(int n, Errno errno) {
    writesToFail = n;
    writeErrno = errno;
  }

  synchronized void failFsyncs(int n, Errno errno) {
    fsyncsToFail = n;
    fsyncErrno = errno;
  }

  synchronized void failReads(BadRange range) {
    badRanges.add(range);
  }

  synchronized void clear() {
    writesToFail = 0;
    fsyncsToFail = 0;
    badRanges.clear();
  }

  /** The errno the next write fails with, or null; consumes one injected failure. */
  synchronized @Nullable Errno nextWrite() {
    if (writesToFail == 0) {
      return null;
    }
    writesToFail--;
    fired++;
    return writeErrno;
  }

  synchronized @Nullable Errno nextFsync() {
    if (fsyncsToFail == 0) {
      return null;
    }
    fsyncsToFail--;
    fired++;
    return fsyncErrno;
  }

  /** Whether a read of {@code [start, end)} of the file touches a bad range. */
  synchronized boolean readFails(long dev, long ino, long start, long end) {
    for (BadRange r : badRanges) {
      if (r.dev() == dev && r.ino() == ino && start < r.end() && r.start() < end) {
        fired++;
        return true;
      }
    }
    return false;
  }

  synchronized int fired() {
    return fired;
  }
}
