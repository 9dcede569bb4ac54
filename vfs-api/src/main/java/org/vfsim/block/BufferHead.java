package org.vfsim.block;

import static com.google.common.base.Preconditions.checkState;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One metadata block in the {@link BufferCache} ({@code struct buffer_head}): its number in
 * units of the cache's block size, its bytes, and the uptodate, dirty and reference state the
 * kernel keeps in {@code b_state} and {@code b_count}. Accessors read and write little-endian
 * fields, the byte order of every on-disk structure here.
 */
public final class BufferHead {
  private final BufferCache cache;
  private final long blocknr;
  private final byte[] data;
  private boolean uptodate;
  private boolean dirty;
  int count;

  BufferHead(BufferCache cache, long blocknr, int size) {
    this.cache = cache;
    this.blocknr = blocknr;
    this.data = new byte[size];
  }

  /** {@code b_blocknr}, in units of {@link #size}. */
  public long blocknr() {
    return blocknr;
  }

  /** {@code b_size}. */
  public int size() {
    return data.length;
  }

  /** The block's bytes; change them only while holding a reference, then {@link #markDirty}. */
  public byte[] data() {
    return data;
  }

  /** A little-endian view of the whole block. */
  public ByteBuffer buffer() {
    return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }

  public boolean uptodate() {
    return uptodate;
  }

  void setUptodate(boolean v) {
    uptodate = v;
  }

  public boolean dirty() {
    return dirty;
  }

  void setDirty(boolean v) {
    dirty = v;
  }

  /** {@code mark_buffer_dirty}: the cache writes it back later (or at {@link BufferCache#writeDirty}). */
  public void markDirty() {
    cache.markDirty(this);
  }

  /** {@code brelse}: drops the caller's reference. */
  public void release() {
    cache.release(this);
  }

  // ---- little-endian field access --------------------------------------------------------------

  public int u8(int off) {
    return data[off] & 0xff;
  }

  public int u16(int off) {
    return (data[off] & 0xff) | (data[off + 1] & 0xff) << 8;
  }

  public long u32(int off) {
    return Integer.toUnsignedLong(buffer().getInt(off));
  }

  public long u64(int off) {
    return buffer().getLong(off);
  }

  public void put8(int off, int v) {
    data[off] = (byte) v;
  }

  public void put16(int off, int v) {
    data[off] = (byte) v;
    data[off + 1] = (byte) (v >>> 8);
  }

  public void put32(int off, long v) {
    buffer().putInt(off, (int) v);
  }

  public void put64(int off, long v) {
    buffer().putLong(off, v);
  }

  void checkReferenced() {
    checkState(count > 0, "buffer %s used after its last release", blocknr);
  }

  @Override
  public String toString() {
    return "bh[" + blocknr + (dirty ? " dirty" : "") + (uptodate ? "" : " !uptodate") + " count="
        + count + "]";
  }
}
