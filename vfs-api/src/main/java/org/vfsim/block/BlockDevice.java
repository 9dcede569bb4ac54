package org.vfsim.block;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.vfsim.syscall.Errno;

/**
 * A simulated block device: fixed capacity in blocks, sparse storage (or none for file data, in
 * dataless mode for large allocation studies), a volatile write cache that a flush, a
 * {@link RequestFlag#PREFLUSH} or a {@link RequestFlag#FUA} write makes durable and a power cut
 * loses (all of it, or the subset a {@link PowerCutPolicy} chooses), an optional
 * {@link RequestLog} of every request, counters of requests, blocks and seeks, and injectable I/O
 * errors and corruption.
 *
 * <p>A block of zeros is never stored: it reads back as zeros anyway, so memory and image size
 * follow the blocks that hold something. Stored arrays are never modified in place (corruption
 * replaces them), so a snapshot of the media is a shallow copy.
 */
public final class BlockDevice {
  private final String name;
  private final int blockSize;
  private final long blocks;
  private final boolean dataless;
  private final int writeCacheLimit;
  /** The one all-zero block; a write of zeros caches this array, and media then drops the block. */
  private final byte[] zeros;

  private final Map<Long, byte[]> media = new HashMap<>();
  /** The volatile cache in submission order; {@link #cachedLatest} serves reads. */
  private final ArrayDeque<PendingWrite> writeCache = new ArrayDeque<>();
  private final Map<Long, PendingWrite> cachedLatest = new HashMap<>();
  private final Set<Long> readErrors = new HashSet<>();
  private final Set<Long> writeErrors = new HashSet<>();
  private final List<IoListener> listeners = new CopyOnWriteArrayList<>();
  private PowerCutPolicy powerCutPolicy = PowerCutPolicy.LOSE_ALL;
  private @Nullable RequestLog log;
  private long seq;

  private long head;
  private long readRequests;
  private long writeRequests;
  private long blocksRead;
  private long blocksWritten;
  private long dataBlocksWritten;
  private long metadataBlocksWritten;
  private long discontiguous;
  private long seekTotal;
  private final long[] seekHistogram = new long[64];
  private long flushes;
  private long fuaWrites;
  private long discards;
  private long ioErrors;

  /**
   * @param writeCacheBlocks blocks the volatile cache holds before it destages the oldest to
   *     media (a real drive's cache is bounded too); 0 disables the cache
   */
  public BlockDevice(String name, long sizeBytes, int blockSize, boolean dataless,
      int writeCacheBlocks) {
    checkArgument(blockSize >= 512 && blockSize <= 65536 && Integer.bitCount(blockSize) == 1,
        "block size must be a power of two in [512, 65536]: %s", blockSize);
    checkArgument(sizeBytes >= blockSize, "device smaller than one block");
    this.name = name;
    this.blockSize = blockSize;
    this.blocks = sizeBytes / blockSize;
    this.dataless = dataless;
    this.writeCacheLimit = writeCacheBlocks;
    this.zeros = new byte[blockSize];
  }

  /**
   * A device of the same geometry as {@code like} whose media holds {@code content} (block
   * number to a block's bytes; absent blocks are zeros) and whose cache is empty: a crash state,
   * or a device restored from an image.
   */
  public static BlockDevice withContent(BlockDevice like, Map<Long, byte[]> content) {
    BlockDevice d = new BlockDevice(like.name, like.sizeBytes(), like.blockSize, like.dataless,
        like.writeCacheLimit);
    for (Map.Entry<Long, byte[]> e : content.entrySet()) {
      d.restoreBlock(e.getKey(), e.getValue());
    }
    return d;
  }

  public String name() {
    return name;
  }

  public int blockSize() {
    return blockSize;
  }

  /** Capacity in blocks. */
  public long blocks() {
    return blocks;
  }

  public long sizeBytes() {
    return blocks * blockSize;
  }

  /** Whether file bytes are discarded (reads of data then return zeros). */
  public boolean dataless() {
    return dataless;
  }

  /** The blocks the volatile cache holds before it destages its oldest write. */
  public int writeCacheBlocks() {
    return writeCacheLimit;
  }

  public void addListener(IoListener l) {
    listeners.add(l);
  }

  public void removeListener(IoListener l) {
    listeners.remove(l);
  }

  /** Chooses which unflushed writes survive the next power cuts (default: none). */
  public synchronized void setPowerCutPolicy(PowerCutPolicy policy) {
    this.powerCutPolicy = checkNotNull(policy);
  }

  // ---- the request log -----------------------------------------------------------------------

  /**
   * Starts recording every request (see {@link RequestLog}); the writes still in the volatile
   * cache are logged first, in their order. One log at a time.
   */
  public synchronized RequestLog startRequestLog() {
    checkState(log == null, "%s: a request log is already recording", name);
    RequestLog l = new RequestLog(this, media);
    for (PendingWrite w : writeCache) {
      l.append(new LoggedRequest(w.seq(), IoRequest.Op.WRITE, w.block(), 1, w.kind(), false,
          false, w.data()));
    }
    log = l;
    return l;
  }

  synchronized void stopRequestLog(RequestLog l) {
    if (log == l) {
      log = null;
    }
  }

  // ---- requests ------------------------------------------------------------------------------

  private void checkRange(long block, long n) {
    if (block < 0 || n < 0 || block + n > blocks) {
      throw Errno.EIO.exception(String.format("%s: access beyond end of device: %d+%d > %d",
          name, block, n, blocks));
    }
  }

  private void account(IoRequest.Op op, long block, long n, IoKind kind, boolean preflush,
      boolean fua) {
    boolean disc = block != head;
    long dist = Math.abs(block - head);
    if (disc) {
      discontiguous++;
      seekTotal += dist;
      seekHistogram[dist <= 1 ? 0 : 63 - Long.numberOfLeadingZeros(dist)]++;
    }
    head = block + n;
    if (op == IoRequest.Op.READ) {
      readRequests++;
      blocksRead += n;
    } else {
      writeRequests++;
      blocksWritten += n;
      if (kind == IoKind.DATA) {
        dataBlocksWritten += n;
      } else {
        metadataBlocksWritten += n;
      }
      if (fua) {
        fuaWrites++;
      }
    }
    IoRequest r = new IoRequest(op, block, n, kind, fua, disc, disc ? dist : 0, preflush);
    for (IoListener l : listeners) {
      l.onRequest(r, blockSize);
    }
  }

  /** Writes {@code n} blocks of data from {@code src}; durable only after a flush unless {@code fua}. */
  public void write(long block, byte[] src, int off, int n, IoKind kind, boolean fua) {
    if (fua) {
      write(block, src, off, n, kind, RequestFlag.FUA);
    } else {
      write(block, src, off, n, kind, new RequestFlag[0]);
    }
  }

  /**
   * Submits a write of {@code n} blocks from {@code src} with the given ordering flags and waits
   * for it to complete ({@code submit_bio_wait}): with {@code PREFLUSH} the cache is drained
   * first; with {@code FUA} the blocks are on media on return, otherwise they may sit in the
   * volatile cache until a flush.
   */
  public synchronized void write(long block, byte[] src, int off, int n, IoKind kind,
      RequestFlag... flags) {
    checkRange(block, n);
    checkArgument(off >= 0 && off + (long) n * blockSize <= src.length, "source too short");
    for (long b = block; b < block + n; b++) {
      if (writeErrors.contains(b)) {
        ioErrors++;
        throw Errno.EIO.exception(name + ": injected write error at block " + b);
      }
    }
    boolean preflush = false;
    boolean fua = false;
    for (RequestFlag f : flags) {
      preflush |= f == RequestFlag.PREFLUSH;
      fua |= f == RequestFlag.FUA;
    }
    if (preflush) {
      drainCache();
      flushes++;
    }
    account(IoRequest.Op.WRITE, block, n, kind, preflush, fua);
    boolean keepData = !(dataless && kind == IoKind.DATA);
    long id = seq++;
    if (log != null) {
      log.append(new LoggedRequest(id, IoRequest.Op.WRITE, block, n, kind, preflush, fua,
          keepData ? Arrays.copyOfRange(src, off, off + n * blockSize) : null));
    }
    if (!keepData) {
      return;
    }
    for (int i = 0; i < n; i++) {
      int at = off + i * blockSize;
      byte[] copy = isZero(src, at, blockSize) ? zeros
          : Arrays.copyOfRange(src, at, at + blockSize);
      store(block + i, copy, kind, id, fua);
    }
  }

  private static boolean isZero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private void toMedia(long b, byte[] data) {
    if (data == zeros) {
      media.remove(b);
    } else {
      media.put(b, data);
    }
  }

  private void store(long b, byte[] data, IoKind kind, long id, boolean durable) {
    if (durable || writeCacheLimit == 0) {
      // A FUA write is on media; an older cached write of the block must not land over it.
      if (cachedLatest.containsKey(b)) {
        writeCache.removeIf(w -> w.block() == b);
        cachedLatest.remove(b);
      }
      toMedia(b, data);
      return;
    }
    PendingWrite w = new PendingWrite(id, b, kind, data);
    writeCache.addLast(w);
    cachedLatest.put(b, w);
    while (writeCache.size() > writeCacheLimit) {
      destage(writeCache.pollFirst());
    }
  }

  private void destage(PendingWrite w) {
    toMedia(w.block(), w.data());
    if (cachedLatest.get(w.block()) == w) {
      cachedLatest.remove(w.block()); // the block's latest write: none of it is cached now
    }
  }

  private void drainCache() {
    for (PendingWrite w : writeCache) {
      toMedia(w.block(), w.data());
    }
    writeCache.clear();
    cachedLatest.clear();
  }

  /**
   * Accounts a metadata write of {@code n} blocks whose content the filesystem keeps as Java
   * objects: counted like any write, stores nothing. A bridge for plugins that do not yet keep
   * their metadata in blocks.
   */
  public synchronized void writeMetadata(long block, long n, boolean fua) {
    checkRange(block, n);
    account(IoRequest.Op.WRITE, block, n, IoKind.METADATA, false, fua);
  }

  /** Reads {@code n} blocks into {@code dst}; never-written blocks read as zeros. */
  public synchronized void read(long block, byte[] dst, int off, int n, IoKind kind) {
    checkRange(block, n);
    for (long b = block; b < block + n; b++) {
      if (readErrors.contains(b)) {
        ioErrors++;
        throw Errno.EIO.exception(name + ": injected read error at block " + b);
      }
    }
    account(IoRequest.Op.READ, block, n, kind, false, false);
    for (int i = 0; i < n; i++) {
      PendingWrite cached = cachedLatest.get(block + i);
      byte[] data = cached != null ? cached.data() : media.get(block + i);
      int at = off + i * blockSize;
      if (data == null || data == zeros) {
        Arrays.fill(dst, at, at + blockSize, (byte) 0);
      } else {
        System.arraycopy(data, 0, dst, at, blockSize);
      }
    }
  }

  /** Accounts a metadata read of blocks whose content lives in Java objects. */
  public synchronized void readMetadata(long block, long n) {
    checkRange(block, n);
    account(IoRequest.Op.READ, block, n, IoKind.METADATA, false, false);
  }

  /** Makes every cached write durable (an empty {@code REQ_PREFLUSH}). */
  public synchronized void flush() {
    flushes++;
    drainCache();
    if (log != null) {
      log.append(new LoggedRequest(seq++, IoRequest.Op.FLUSH, head, 0, IoKind.METADATA, true,
          false, null));
    }
    for (IoListener l : listeners) {
      l.onRequest(new IoRequest(IoRequest.Op.FLUSH, head, 0, IoKind.METADATA, false, false, 0,
          true), blockSize);
    }
  }

  /** Forgets the content of blocks (TRIM); they read as zeros afterwards. */
  public synchronized void discard(long block, long n) {
    checkRange(block, n);
    discards++;
    if (log != null) {
      log.append(new LoggedRequest(seq++, IoRequest.Op.DISCARD, block, n, IoKind.DATA, false,
          false, null));
    }
    for (long b = block; b < block + n; b++) {
      media.remove(b);
      long at = b;
      if (cachedLatest.remove(at) != null) {
        writeCache.removeIf(w -> w.block() == at);
      }
    }
  }

  /**
   * Power cut: of the writes still in the volatile cache, those the {@link PowerCutPolicy}
   * chooses reach media (in submission order); the rest are lost.
   */
  public synchronized void powerCut() {
    List<PendingWrite> pending = List.copyOf(writeCache);
    if (!pending.isEmpty()) {
      Predicate<PendingWrite> keep = powerCutPolicy.survivors(pending);
      for (PendingWrite w : pending) {
        if (keep.test(w)) {
          toMedia(w.block(), w.data());
        }
      }
    }
    writeCache.clear();
    cachedLatest.clear();
  }

  /** The writes in the volatile cache, in submission order (what a power cut may lose). */
  public synchronized List<PendingWrite> pendingWrites() {
    return List.copyOf(writeCache);
  }

  // ---- fault injection -----------------------------------------------------------------------

  /** Makes reads of {@code block} fail with EIO until cleared. */
  public synchronized void injectReadError(long block) {
    readErrors.add(block);
  }

  /** Makes writes of {@code block} fail with EIO until cleared. */
  public synchronized void injectWriteError(long block) {
    writeErrors.add(block);
  }

  public synchronized void clearInjectedErrors() {
    readErrors.clear();
    writeErrors.clear();
  }

  /** Flips the bits of one byte of a block's stored content (silent corruption). */
  public synchronized void corrupt(long block, int offset) {
    drainCache();
    byte[] old = media.get(block);
    byte[] data = old == null ? new byte[blockSize] : old.clone();
    data[offset] ^= (byte) 0xff;
    media.put(block, data);
  }

  public synchronized DeviceCounters counters() {
    return new DeviceCounters(readRequests, writeRequests, blocksRead, blocksWritten,
        dataBlocksWritten, metadataBlocksWritten, discontiguous, seekTotal, seekHistogram.clone(),
        flushes, fuaWrites, discards, ioErrors);
  }

  // ---- images --------------------------------------------------------------------------------

  /** Blocks with stored (non-zero) content, cached or on media, for tests and images. */
  public synchronized List<Long> storedBlocks() {
    TreeSet<Long> all = new TreeSet<>(media.keySet());
    cachedLatest.forEach((b, w) -> {
      if (w.data() == zeros) {
        all.remove(b);
      } else {
        all.add(b);
      }
    });
    return new ArrayList<>(all);
  }

  /**
   * The device's content as a power cut now with {@link PowerCutPolicy#KEEP_ALL} would leave
   * it, non-zero blocks only, in block order: what an image saves. Arrays are shared; callers
   * must not modify them.
   */
  public synchronized SortedMap<Long, byte[]> contentSnapshot() {
    TreeMap<Long, byte[]> all = new TreeMap<>(media);
    for (PendingWrite w : writeCache) {
      if (w.data() == zeros) {
        all.remove(w.block());
      } else {
        all.put(w.block(), w.data());
      }
    }
    return all;
  }

  /** Puts {@code data} on media at {@code block} (restoring an image); zeros are not stored. */
  public synchronized void restoreBlock(long block, byte[] data) {
    checkRange(block, 1);
    checkArgument(data.length == blockSize, "a block is %s bytes, not %s", blockSize,
        data.length);
    toMedia(block, isZero(data, 0, blockSize) ? zeros : data.clone());
  }

  @Override
  public String toString() {
    return name + " (" + blocks + " x " + blockSize + ")";
  }
}
