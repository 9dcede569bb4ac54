package org.vfsim.testkit.fsx;

import java.util.Arrays;
import java.util.BitSet;

/**
 * What one file must contain: its bytes and size as the operations so far define them (holes
 * and truncated-then-extended ranges read as zeros), plus what the last {@code fsync} made
 * durable and which bytes changed since, so a power cut can be judged soundly.
 */
final class FileModel {
  private byte[] data = new byte[0];
  private long size;
  private byte[] durable = new byte[0];
  private long durableSize;
  /** Bytes written, zeroed or cut since the last fsync. */
  private final BitSet touched = new BitSet();
  /** The smallest size the file had since the last fsync. */
  private long minSizeSinceSync;
  private boolean dirty;

  long size() {
    return size;
  }

  boolean dirtySinceSync() {
    return dirty;
  }

  private void ensure(long n) {
    if (n > data.length) {
      data = Arrays.copyOf(data, (int) Math.max(n, Math.min(Integer.MAX_VALUE - 8, 2L * data.length)));
    }
  }

  private void touch(long from, long to) {
    if (to > from) {
      touched.set((int) from, (int) to);
    }
    dirty = true;
  }

  void write(long off, byte[] bytes, int from, int len) {
    ensure(off + len);
    System.arraycopy(bytes, from, data, (int) off, len);
    touch(off, off + len);
    size = Math.max(size, off + len);
  }

  /** Sets the size; bytes past a smaller size are gone (an extension reads zeros). */
  void truncate(long newSize) {
    ensure(newSize);
    if (newSize < size) {
      Arrays.fill(data, (int) newSize, (int) size, (byte) 0);
      touch(newSize, size);
      minSizeSinceSync = Math.min(minSizeSinceSync, newSize);
    } else {
      touch(size, newSize);
    }
    size = newSize;
  }

  /** Zeroes {@code [off, off+len)} clipped to the size (punch hole, zero range with keep-size). */
  void zeroWithinSize(long off, long len) {
    long end = Math.min(size, off + len);
    if (end > off) {
      Arrays.fill(data, (int) off, (int) end, (byte) 0);
      touch(off, end);
    }
    dirty = true;
  }

  byte[] read(long off, int len) {
    byte[] out = new byte[len];
    long avail = Math.max(0, Math.min(len, size - off));
    if (avail > 0) {
      System.arraycopy(data, (int) off, out, 0, (int) avail);
    }
    return avail == len ? out : Arrays.copyOf(out, (int) avail);
  }

  /** {@code fsync} returned 0: the content and size now are durable. */
  void synced() {
    durable = Arrays.copyOf(data, (int) size);
    durableSize = size;
    touched.clear();
    minSizeSinceSync = size;
    dirty = false;
  }

  long durableSize() {
    return durableSize;
  }

  byte[] durable() {
    return durable;
  }

  /** Bytes below this offset that no operation touched since the fsync must have survived. */
  long stableLimit() {
    return Math.min(durableSize, minSizeSinceSync);
  }

  boolean touchedSinceSync(long offset) {
    return touched.get((int) offset);
  }

  /** After a power cut the file is what the device held; that becomes the model and durable. */
  void adopt(byte[] content) {
    data = Arrays.copyOf(content, content.length);
    size = content.length;
    synced();
  }
}
