package org.vfsim.block;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * The buffer cache for a filesystem's metadata blocks ({@code fs/buffer.c}): {@link #bread}
 * reads a block, {@link #getblk} gets one to overwrite without reading it,
 * {@link BufferHead#markDirty} and {@link #writeDirty} write changed blocks back (adjacent dirty
 * blocks merged into one request, as the block layer's plug does), {@link #write} writes one
 * block now with ordering flags (a superblock or commit record), {@link BufferHead#release}
 * drops a reference. Every I/O goes to the device as {@link IoKind#METADATA}, so the device's
 * counters and disk model see metadata honestly.
 *
 * <p>Requests complete synchronously (the simulated device has no queue), so there is no
 * separate {@code wait_on_buffer}: a write has completed when the call returns. Clean,
 * unreferenced buffers are evicted least recently used first beyond {@code capacity}; dirty or
 * referenced buffers are never evicted. The block size may be a multiple of the device's (one
 * request covers several device blocks) or a fraction of it (the device block is read, modified
 * and written, as a 512e drive does).
 */
public final class BufferCache {
  private final BlockDevice device;
  private final int size;
  private final int capacity;
  private final LinkedHashMap<Long, BufferHead> buffers = new LinkedHashMap<>(64, 0.75f, true);
  private final TreeMap<Long, BufferHead> dirty = new TreeMap<>();
  private long hits;
  private long misses;
  private long writes;

  /**
   * @param size the filesystem's block size: a power of two; a multiple or a divisor of the
   *     device's block size
   * @param capacity clean buffers kept before the least recently used is evicted
   */
  public BufferCache(BlockDevice device, int size, int capacity) {
    int dbs = device.blockSize();
    checkArgument(Integer.bitCount(size) == 1 && (size % dbs == 0 || dbs % size == 0),
        "buffer size %s does not fit the device's %s-byte blocks", size, dbs);
    checkArgument(capacity > 0, "capacity must be positive");
    this.device = device;
    this.size = size;
    this.capacity = capacity;
  }

  public BlockDevice device() {
    return device;
  }

  /** The block size of this cache's buffers. */
  public int blockSize() {
    return size;
  }

  /** Blocks of this cache's size on the device. */
  public long blocks() {
    return device.sizeBytes() / size;
  }

  /** {@code sb_bread}: the block, read from the device unless cached; the caller must release it. */
  public synchronized BufferHead bread(long blocknr) {
    BufferHead bh = lookup(blocknr);
    if (!bh.uptodate()) {
      misses++;
      readFromDevice(bh);
      bh.setUptodate(true);
    } else {
      hits++;
    }
    return bh;
  }

  /**
   * {@code sb_getblk}: the block's buffer without reading it, for a caller that overwrites the
   * whole block (a new bitmap, an inode table being initialised, a fresh tree node). A buffer
   * not yet uptodate is zeroed and becomes uptodate: the caller's bytes are the content.
   */
  public synchronized BufferHead getblk(long blocknr) {
    BufferHead bh = lookup(blocknr);
    if (!bh.uptodate()) {
      java.util.Arrays.fill(bh.data(), (byte) 0);
      bh.setUptodate(true);
    }
    return bh;
  }

  private BufferHead lookup(long blocknr) {
    checkArgument(blocknr >= 0 && blocknr < blocks(), "block %s outside the device (%s blocks)",
        blocknr, blocks());
    BufferHead bh = buffers.get(blocknr);
    if (bh == null) {
      bh = new BufferHead(this, blocknr, size);
      buffers.put(blocknr, bh);
    }
    bh.count++;
    evict();
    return bh;
  }

  synchronized void release(BufferHead bh) {
    bh.checkReferenced();
    bh.count--;
    evict();
  }

  synchronized void markDirty(BufferHead bh) {
    bh.checkReferenced();
    checkState(bh.uptodate(), "dirtying a buffer that was never read or initialised");
    if (!bh.dirty()) {
      bh.setDirty(true);
      dirty.put(bh.blocknr(), bh);
    }
  }

  /** Whether the block has a dirty buffer (changed in memory, not yet written). */
  public synchronized boolean isDirty(long blocknr) {
    return dirty.containsKey(blocknr);
  }

  /** Dirty buffers not yet written. */
  public synchronized int dirtyCount() {
    return dirty.size();
  }

  /**
   * {@code write_dirty_buffer} + wait: writes one buffer now, dirty or not, with the given
   * flags; it is clean afterwards.
   */
  public synchronized void write(BufferHead bh, RequestFlag... flags) {
    bh.checkReferenced();
    writeRun(List.of(bh), flags);
  }

  /** {@code sync_blockdev}: writes every dirty buffer, in block order; returns how many. */
  public synchronized int writeDirty(RequestFlag... lastFlags) {
    return writeDirty(b -> true, lastFlags);
  }

  /**
   * Writes the dirty buffers whose block number {@code which} accepts, in block order, adjacent
   * ones as one request; {@code lastFlags} go on the last request only (so a caller can make
   * the batch durable with one FUA, or order it after everything before with PREFLUSH on the
   * first: use {@link #write} for that). Returns the buffers written.
   */
  public synchronized int writeDirty(LongPredicate which, RequestFlag... lastFlags) {
    List<BufferHead> chosen = new ArrayList<>();
    for (BufferHead bh : dirty.values()) {
      if (which.test(bh.blocknr())) {
        chosen.add(bh);
      }
    }
    int i = 0;
    while (i < chosen.size()) {
      int j = i + 1;
      while (j < chosen.size() && chosen.get(j).blocknr() == chosen.get(j - 1).blocknr() + 1
          && size >= device.blockSize()) {
        j++;
      }
      writeRun(chosen.subList(i, j), j == chosen.size() ? lastFlags : new RequestFlag[0]);
      i = j;
    }
    evict();
    return chosen.size();
  }

  private void writeRun(List<BufferHead> run, RequestFlag[] flags) {
    int dbs = device.blockSize();
    long first = run.get(0).blocknr();
    if (size >= dbs) {
      byte[] all = new byte[run.size() * size];
      for (int k = 0; k < run.size(); k++) {
        System.arraycopy(run.get(k).data(), 0, all, k * size, size);
      }
      device.write(first * (size / dbs), all, 0, run.size() * (size / dbs), IoKind.METADATA,
          flags);
    } else {
      BufferHead bh = run.get(0);
      long byteOff = bh.blocknr() * size;
      byte[] block = new byte[dbs];
      device.read(byteOff / dbs, block, 0, 1, IoKind.METADATA);
      System.arraycopy(bh.data(), 0, block, (int) (byteOff % dbs), size);
      device.write(byteOff / dbs, block, 0, 1, IoKind.METADATA, flags);
    }
    writes += run.size();
    for (BufferHead bh : run) {
      bh.setDirty(false);
      dirty.remove(bh.blocknr());
    }
  }

  private void readFromDevice(BufferHead bh) {
    int dbs = device.blockSize();
    long byteOff = bh.blocknr() * size;
    if (size >= dbs) {
      device.read(byteOff / dbs, bh.data(), 0, size / dbs, IoKind.METADATA);
    } else {
      byte[] block = new byte[dbs];
      device.read(byteOff / dbs, block, 0, 1, IoKind.METADATA);
      System.arraycopy(block, (int) (byteOff % dbs), bh.data(), 0, size);
    }
  }

  /**
   * {@code bforget}: drops the block's dirty state without writing it (a freed metadata block
   * whose content no longer matters); the cached copy goes too once unreferenced.
   */
  public synchronized void forget(long blocknr) {
    BufferHead bh = dirty.remove(blocknr);
    if (bh != null) {
      bh.setDirty(false);
    }
    BufferHead cached = buffers.get(blocknr);
    if (cached != null && cached.count == 0) {
      buffers.remove(blocknr);
    }
  }

  /**
   * {@code invalidate_bdev}: forgets every buffer, dirty ones included (after a power cut, or
   * to re-read what is on the device). Buffers still referenced must not be used afterwards.
   */
  public synchronized void invalidate() {
    for (BufferHead bh : buffers.values()) {
      bh.setUptodate(false);
      bh.setDirty(false);
    }
    buffers.clear();
    dirty.clear();
  }

  private void evict() {
    if (buffers.size() <= capacity) {
      return;
    }
    Iterator<Map.Entry<Long, BufferHead>> it = buffers.entrySet().iterator();
    while (buffers.size() > capacity && it.hasNext()) {
      BufferHead bh = it.next().getValue();
      if (bh.count == 0 && !bh.dirty()) {
        it.remove();
      }
    }
  }

  /** Lookups served from memory, lookups that read the device, and buffers written. */
  public synchronized Stats stats() {
    return new Stats(hits, misses, writes, buffers.size(), dirty.size());
  }

  /** The cache's counters: for reports and for tests that bound the I/O of an operation. */
  public record Stats(long hits, long misses, long buffersWritten, int cached, int dirty) {}
}
