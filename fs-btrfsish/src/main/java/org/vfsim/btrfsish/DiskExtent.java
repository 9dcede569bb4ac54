package org.vfsim.btrfsish;

import java.util.HashMap;
import java.util.Map;

/**
 * An extent item of the extent tree: a run of allocated disk bytes with its data backrefs and
 * their counts. It is freed only when no file extent item references any part of it.
 */
final class DiskExtent {
  final long bytenr;
  final long numBytes;
  /** The transaction that allocated it (the extent item's generation). */
  long generation;
  final Map<DataRef, Integer> refs = new HashMap<>();

  DiskExtent(long bytenr, long numBytes) {
    this.bytenr = bytenr;
    this.numBytes = numBytes;
  }

  long refCount() {
    long n = 0;
    for (int c : refs.values()) {
      n += c;
    }
    return n;
  }

  /** btrfs reports an extent shared when references come from more than one (inode, offset). */
  boolean shared() {
    return refs.size() > 1;
  }

  long end() {
    return bytenr + numBytes;
  }
}
