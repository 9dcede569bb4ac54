package org.vfsim.block;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.vfsim.syscall.Errno;

/**
 * A simulated block device: fixed capacity in blocks, sparse storage (or none, in dataless mode
 * for large allocation studies), a volatile write cache that a flush or a FUA write makes
 * durable and a power cut discards, counters of requests, blocks and seeks, and injectable I/O
 * errors and corruption.
 *
 * <p>Filesystems keep their metadata as Java objects; they account each metadata block they
 * would write with {@link #writeMetadata} (so write amplification is honest) and keep the
 * durable image of that metadata with {@link #storeObject}, which survives power cuts and is
 * what a mount reads back.
 */
public final class BlockDevice {
  private final String name;
  private final int blockSize;
  private final long blocks;
  private final boolean dataless;
  private final int writeCacheLimit;

  private final Map<Long, byte[]> media = new HashMap<>();
  private final LinkedHashMap<Long, byte[]> writeCache = new LinkedHashMap<>();
  private final Map<String, byte[]> objects = new HashMap<>();
  private final Set<Long> readErrors = new HashSet<>();
  private final Set<Long> writeErrors = new HashSet<>();
  private final List<IoListener> listeners = new CopyOnWriteArrayList<>();

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

  public void addListener(IoListener l) {
    listeners.add(l);
  }

  public void removeListener(IoListener l) {
    listeners.remove(l);
  }

  private void checkRange(long block, long n) {
    if (block < 0 || n < 0 || block + n > blocks) {
      throw Errno.EIO.exception(String.format("%s: access beyond end of device: %d+%d > %d",
          name, block, n, blocks));
    }
  }

  private void account(IoRequest.Op op, long block, long n, IoKind kind, boolean fua) {
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
    IoRequest r = new IoRequest(op, block, n, kind, fua, disc, disc ? dist : 0);
    for (IoListener l : listeners) {
      l.onRequest(r, blockSize);
    }
  }

  /** Writes {@code n} blocks of data from {@code src}; durable only after a flush unless {@code fua}. */
  public synchronized void write(long block, byte[] src, int off, int n, IoKind kind, boolean fua) {
    checkRange(block, n);
    for (long b = block; b < block + n; b++) {
      if (writeErrors.contains(b)) {
        ioErrors++;
        throw Errno.EIO.exception(name + ": injected write error at block " + b);
      }
    }
    account(IoRequest.Op.WRITE, block, n, kind, fua);
    if (dataless && kind == IoKind.DATA) {
      return;
    }
    for (int i = 0; i < n; i++) {
      byte[] copy = new byte[blockSize];
      System.arraycopy(src, off + i * blockSize, copy, 0, blockSize);
      store(block + i, copy, fua);
    }
  }

  private void store(long b, byte[] data, boolean durable) {
    if (durable || writeCacheLimit == 0) {
      writeCache.remove(b);
      media.put(b, data);
      return;
    }
    writeCache.remove(b);
    writeCache.put(b, data);
    while (writeCache.size() > writeCacheLimit) {
      Map.Entry<Long, byte[]> oldest = writeCache.entrySet().iterator().next();
      media.put(oldest.getKey(), oldest.getValue());
      writeCache.remove(oldest.getKey());
    }
  }

  /**
   * Accounts a metadata write of {@code n} blocks whose content the filesystem keeps as Java
   * objects: counted like any write, stores nothing.
   */
  public synchronized void writeMetadata(long block, long n, boolean fua) {
    checkRange(block, n);
    account(IoRequest.Op.WRITE, block, n, IoKind.METADATA, fua);
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
    account(IoRequest.Op.READ, block, n, kind, false);
    for (int i = 0; i < n; i++) {
      byte[] data = writeCache.get(block + i);
      if (data == null) {
        data = media.get(block + i);
      }
      int at = off + i * blockSize;
      if (data == null) {
        java.util.Arrays.fill(dst, at, at + blockSize, (byte) 0);
      } else {
        System.arraycopy(data, 0, dst, at, blockSize);
      }
    }
  }

  /** Accounts a metadata read of blocks whose content lives in Java objects. */
  public synchronized void readMetadata(long block, long n) {
    checkRange(block, n);
    account(IoRequest.Op.READ, block, n, IoKind.METADATA, false);
  }

  /** Makes every cached write durable ({@code REQ_PREFLUSH}). */
  public synchronized void flush() {
    flushes++;
    media.putAll(writeCache);
    writeCache.clear();
    for (IoListener l : listeners) {
      l.onRequest(new IoRequest(IoRequest.Op.FLUSH, head, 0, IoKind.METADATA, false, false, 0), blockSize);
    }
  }

  /** Forgets the content of blocks (TRIM); they read as zeros afterwards. */
  public synchronized void discard(long block, long n) {
    checkRange(block, n);
    discards++;
    for (long b = block; b < block + n; b++) {
      media.remove(b);
      writeCache.remove(b);
    }
  }

  /** Power cut: the volatile write cache is lost. */
  public synchronized void powerCut() {
    writeCache.clear();
  }

  // ---- durable metadata images ---------------------------------------------------------------

  /**
   * Stores a deep copy of {@code state} durably under {@code key} (as a journal commit or a
   * superblock write with FUA would make it durable). Later changes to {@code state} do not
   * affect the stored copy.
   */
  public synchronized void storeObject(String key, Serializable state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(state);
    } catch (IOException e) {
      throw new UncheckedIOException("metadata image of " + key + " is not serializable", e);
    }
    objects.put(key, bytes.toByteArray());
  }

  /** A fresh copy of the object stored under {@code key}, or null. */
  @SuppressWarnings("unchecked")
  public synchronized <T extends Serializable> T loadObject(String key) {
    byte[] bytes = objects.get(key);
    if (bytes == null) {
      return null;
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (T) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw Errno.EUCLEAN.exception("metadata image " + key + " unreadable: " + e);
    }
  }

  public synchronized void removeObject(String key) {
    objects.remove(key);
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
    byte[] data = writeCache.containsKey(block) ? writeCache.get(block) : media.get(block);
    if (data == null) {
      data = new byte[blockSize];
      media.put(block, data);
    }
    data[offset] ^= (byte) 0xff;
  }

  public synchronized DeviceCounters counters() {
    return new DeviceCounters(readRequests, writeRequests, blocksRead, blocksWritten,
        dataBlocksWritten, metadataBlocksWritten, discontiguous, seekTotal, seekHistogram.clone(),
        flushes, fuaWrites, discards, ioErrors);
  }

  // ---- images --------------------------------------------------------------------------------

  /** Writes the device's durable state (media after a flush, metadata images) for {@code --image}. */
  public synchronized void saveTo(ObjectOutputStream out) throws IOException {
    media.putAll(writeCache);
    writeCache.clear();
    out.writeUTF(name);
    out.writeLong(blocks * blockSize);
    out.writeInt(blockSize);
    out.writeBoolean(dataless);
    out.writeInt(writeCacheLimit);
    out.writeInt(media.size());
    for (Map.Entry<Long, byte[]> e : media.entrySet()) {
      out.writeLong(e.getKey());
      out.write(e.getValue());
    }
    out.writeInt(objects.size());
    for (Map.Entry<String, byte[]> e : objects.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().length);
      out.write(e.getValue());
    }
  }

  /** Reads a device written by {@link #saveTo}. Counters start at zero. */
  public static BlockDevice loadFrom(ObjectInputStream in) throws IOException {
    String name = in.readUTF();
    long size = in.readLong();
    int bs = in.readInt();
    boolean dataless = in.readBoolean();
    int cache = in.readInt();
    BlockDevice d = new BlockDevice(name, size, bs, dataless, cache);
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long b = in.readLong();
      byte[] data = new byte[bs];
      in.readFully(data);
      d.media.put(b, data);
    }
    int m = in.readInt();
    for (int i = 0; i < m; i++) {
      String key = in.readUTF();
      byte[] data = new byte[in.readInt()];
      in.readFully(data);
      d.objects.put(key, data);
    }
    return d;
  }

  /** Blocks with stored content, for tests and images. */
  public synchronized List<Long> storedBlocks() {
    List<Long> all = new ArrayList<>(media.keySet());
    all.addAll(writeCache.keySet());
    return all;
  }

  @Override
  public String toString() {
    return name + " (" + blocks + " x " + blockSize + ")";
  }
}
