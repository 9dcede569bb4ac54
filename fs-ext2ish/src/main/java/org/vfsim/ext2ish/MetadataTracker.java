package org.vfsim.ext2ish;

import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import org.vfsim.block.BufferCache;
import org.vfsim.block.BufferHead;
import org.vfsim.block.RequestFlag;

/**
 * Dirty metadata ({@code mark_buffer_dirty} and {@code mark_inode_dirty}): the blocks whose
 * on-disk copy is behind the in-core state (bitmaps, group descriptors, the superblock,
 * indirect and directory blocks, inode table blocks) and the inodes changed in core. A block is
 * encoded into its {@link BufferCache} buffer when it is written, so the device gets the state
 * of that moment; an inode is copied into its inode table buffer only by {@link #writeInode}
 * ({@code ext2_write_inode}), so another file's fsync writing the same inode table block carries
 * this inode as it was last written, not its newest block map.
 */
final class MetadataTracker {
  private final FsState s;
  private final Geometry geo;
  private final BufferCache cache;
  private final TreeSet<Long> dirty = new TreeSet<>();
  private final Set<Long> dirtyInodes = new LinkedHashSet<>();
  private final Counters counters;

  MetadataTracker(FsState s, BufferCache cache, Counters counters) {
    this.s = s;
    this.geo = s.geo;
    this.cache = cache;
    this.counters = counters;
  }

  BufferCache cache() {
    return cache;
  }

  void dirty(long block) {
    dirty.add(block);
  }

  /** A group's block bitmap and descriptor changed (and the superblock's free count). */
  void dirtyGroup(int g) {
    dirty.add(geo.blockBitmap(g));
    dirty.add(geo.gdtBlockOf(g));
    dirty.add(geo.superBlockBlock());
  }

  void dirtyInodeBitmap(int g) {
    dirty.add(geo.inodeBitmap(g));
    dirty.add(geo.gdtBlockOf(g));
    dirty.add(geo.superBlockBlock());
  }

  /** {@code mark_inode_dirty}: the in-core inode changed; {@link #writeInode} copies it out. */
  void dirtyInode(long ino) {
    dirtyInodes.add(ino);
  }

  /** Inodes changed in core and not yet copied to their inode table block. */
  List<Long> dirtyInodes() {
    return List.copyOf(dirtyInodes);
  }

  /** A freed block's buffer is forgotten ({@code bforget}): nothing to write for it any more. */
  void forget(long block) {
    dirty.remove(block);
    cache.forget(block);
  }

  boolean isDirty(long block) {
    return dirty.contains(block);
  }

  /**
   * {@code ext2_write_inode}: copies the inode into its inode table buffer, which becomes
   * dirty; {@code dtime} non-zero writes a deleted inode ({@code ext2_evict_inode}).
   */
  void writeInode(InodeRecord rec, long dtime) {
    long block = geo.inodeBlock(rec.ino);
    BufferHead bh = cache.bread(block);
    try {
      InodeCodec.encode(rec, bh.data(), geo.inodeOffset(rec.ino), geo.inodeSize, geo.blockSize,
          dtime);
      bh.markDirty();
    } finally {
      bh.release();
    }
    dirty.add(block);
    dirtyInodes.remove(rec.ino);
  }

  /** {@link #writeInode} only if the inode's slot would change (nothing to write otherwise). */
  void writeInodeIfChanged(InodeRecord rec) {
    long block = geo.inodeBlock(rec.ino);
    int off = geo.inodeOffset(rec.ino);
    byte[] fresh = new byte[off + geo.inodeSize];
    InodeCodec.encode(rec, fresh, off, geo.inodeSize, geo.blockSize, 0);
    BufferHead bh = cache.bread(block);
    try {
      if (java.util.Arrays.equals(fresh, off, off + geo.inodeSize, bh.data(), off,
          off + geo.inodeSize)) {
        dirtyInodes.remove(rec.ino);
        return;
      }
      System.arraycopy(fresh, off, bh.data(), off, geo.inodeSize);
      bh.markDirty();
    } finally {
      bh.release();
    }
    dirty.add(block);
    dirtyInodes.remove(rec.ino);
  }

  /** Writes every dirty block in {@code blocks}, adjacent ones as one request. */
  void writeSome(Set<Long> blocks, RequestFlag... lastFlags) {
    TreeSet<Long> todo = new TreeSet<>();
    for (long b : blocks) {
      if (dirty.remove(b)) {
        todo.add(b);
      }
    }
    submit(todo, lastFlags);
  }

  /**
   * Writes every dirty block in {@code blocks}, each with FUA: durable on return, whatever a
   * power cut keeps of the write cache. The first also carries PREFLUSH: FUA orders nothing
   * before it, and these blocks (an inode table block holds other inodes too) may map blocks
   * whose discard, or whose own indirect block, is still in the volatile cache; without the
   * flush a power cut could keep the mapping and lose the discard, showing a previous owner's
   * bytes.
   */
  void writeSomeDurably(Set<Long> blocks) {
    boolean first = true;
    for (long b : new TreeSet<>(blocks)) {
      if (dirty.remove(b)) {
        TreeSet<Long> one = new TreeSet<>();
        one.add(b);
        if (first) {
          submit(one, RequestFlag.PREFLUSH, RequestFlag.FUA);
          first = false;
        } else {
          submit(one, RequestFlag.FUA);
        }
      }
    }
  }

  /** Adds the dirty bitmaps and group descriptor blocks to {@code blocks}. */
  void addGroupMetadata(Set<Long> blocks) {
    for (long b : dirty) {
      if (isGroupMetadata(b)) {
        blocks.add(b);
      }
    }
  }

  private boolean isGroupMetadata(long b) {
    if (b > geo.superBlockBlock() && b <= geo.superBlockBlock() + geo.gdtBlocks) {
      return true;
    }
    int g = geo.groupOf(b);
    return g < geo.groups && (b == geo.blockBitmap(g) || b == geo.inodeBitmap(g));
  }

  /** Writes all dirty metadata ({@code sync_fs} and the block device's own writeback). */
  void writeAll(RequestFlag... lastFlags) {
    TreeSet<Long> todo = new TreeSet<>(dirty);
    dirty.clear();
    submit(todo, lastFlags);
  }

  private void submit(TreeSet<Long> todo, RequestFlag... lastFlags) {
    TreeSet<Long> encoded = new TreeSet<>();
    for (long b : todo) {
      if (encode(b)) {
        encoded.add(b);
      }
    }
    if (encoded.isEmpty()) {
      return;
    }
    LongPredicate which = encoded::contains;
    cache.writeDirty(which, lastFlags);
    long prev = -2;
    for (long b : encoded) {
      if (b != prev + 1 || geo.blockSize < cache.device().blockSize()) {
        counters.metadataWrites++;
      }
      prev = b;
    }
    counters.metadataBlocksWritten += encoded.size();
  }

  /** Encodes block {@code b} from the in-core state into its buffer; false if it holds nothing. */
  private boolean encode(long b) {
    if (b == geo.superBlockBlock()) {
      BufferHead bh = cache.bread(b);
      try {
        int off = geo.blockSize == 1024 ? 0 : SuperBlockCodec.SUPER_OFFSET;
        SuperBlockCodec.encode(s, bh.data(), off, 0);
        bh.markDirty();
      } finally {
        bh.release();
      }
      counters.superblockWrites++;
      return true;
    }
    if (b > geo.superBlockBlock() && b <= geo.superBlockBlock() + geo.gdtBlocks) {
      fill(b, data -> SuperBlockCodec.encodeDescriptors(s, data,
          (int) (b - geo.superBlockBlock() - 1)));
      return true;
    }
    int g = geo.groupOf(b);
    if (b >= geo.firstDataBlock && g < geo.groups) {
      // A bitmap not in core is read before its buffer is refilled (it may be that buffer).
      if (b == geo.blockBitmap(g)) {
        BitSet bits = s.peekBlockBitmap(g);
        fill(b, data -> encodeBitmap(data, bits, geo.blocksInGroup(g)));
        return true;
      }
      if (b == geo.inodeBitmap(g)) {
        BitSet bits = s.peekInodeBitmap(g);
        fill(b, data -> encodeBitmap(data, bits, geo.inodesPerGroup));
        return true;
      }
      if (geo.isInodeTable(b)) {
        return cache.isDirty(b);
      }
    }
    long[] ptrs = s.indirect.get(b);
    if (ptrs != null) {
      fill(b, data -> {
        for (int i = 0; i < ptrs.length; i++) {
          Le.put32(data, 4 * i, ptrs[i]);
        }
      });
      return true;
    }
    FsState.DirBlockRef ref = s.dirBlocks.get(b);
    if (ref != null) {
      InodeRecord dir = s.inodes.get(ref.ino());
      if (dir == null) {
        return false;
      }
      fill(b, data -> DirBlockCodec.encode(data, Directories.entriesOf(dir, ref.index())));
      return true;
    }
    return false;
  }

  private interface Encoder {
    void encode(byte[] data);
  }

  private void fill(long b, Encoder e) {
    BufferHead bh = cache.getblk(b);
    try {
      java.util.Arrays.fill(bh.data(), (byte) 0);
      e.encode(bh.data());
      bh.markDirty();
    } finally {
      bh.release();
    }
  }

  /** Bits past the group's last block or inode are set, as mke2fs pads them. */
  static void encodeBitmap(byte[] data, BitSet bits, int valid) {
    java.util.Arrays.fill(data, (byte) 0);
    for (int i = bits.nextSetBit(0); i >= 0 && i < valid; i = bits.nextSetBit(i + 1)) {
      data[i >>> 3] |= (byte) (1 << (i & 7));
    }
    for (int i = valid; i < data.length * 8 && (i & 7) != 0; i++) {
      data[i >>> 3] |= (byte) (1 << (i & 7));
    }
    java.util.Arrays.fill(data, (valid + 7) >>> 3, data.length, (byte) 0xff);
  }

  static BitSet decodeBitmap(byte[] data, int valid) {
    BitSet bits = new BitSet(valid);
    for (int i = 0; i < valid; i++) {
      if ((data[i >>> 3] & (1 << (i & 7))) != 0) {
        bits.set(i);
      }
    }
    return bits;
  }
}
