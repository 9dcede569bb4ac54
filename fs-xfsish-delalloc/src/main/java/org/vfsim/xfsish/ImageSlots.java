package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.block.RequestFlag;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * Where the interim whole image lives: a geometry superblock in block 0 and two image slots in
 * the log area, each with a header block. A commit fills the slot not in use, then writes its
 * header with PREFLUSH and FUA, so a power cut at any point leaves the old or the new image
 * whole; mount takes the newest header whose checksums hold (layout in package-info).
 */
final class ImageSlots {
  /** "XFSB" in little-endian byte order. */
  static final int SB_MAGIC = 0x42534658;
  /** "XSLT" in little-endian byte order. */
  static final int SLOT_MAGIC = 0x544c5358;
  static final int SB_BYTES = 52;
  static final int SLOT_HEADER_BYTES = 28;
  /** Every image block ends with the CRC32C of the rest of it. */
  static final int BLOCK_CRC_BYTES = 4;

  private final BlockDevice dev;
  private final int bs;
  private final long logStart;
  private final long slotBlocks;
  private long generation;
  private int active;

  private ImageSlots(BlockDevice dev, long logStart, long logBlocks, long generation,
      int active) {
    this.dev = dev;
    this.bs = dev.blockSize();
    this.logStart = logStart;
    this.slotBlocks = (logBlocks - 2) / 2;
    this.generation = generation;
    this.active = active;
  }

  /** What a mount found: the image and the slots to commit the next one to. */
  record Loaded(XfsImage image, ImageSlots slots, long generation, int slot) {}

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  long headerBlock(int slot) {
    return logStart + slot;
  }

  long firstImageBlock(int slot) {
    return logStart + 2 + slot * slotBlocks;
  }

  /** Bytes of image one slot holds. */
  long capacity() {
    return slotBlocks * (bs - BLOCK_CRC_BYTES);
  }

  /** mkfs: the geometry superblock, no valid header in slot B, the first image in slot A. */
  static ImageSlots mkfs(BlockDevice dev, XfsImage img) {
    byte[] sb = new byte[dev.blockSize()];
    ByteBuffer b = ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(SB_MAGIC).putInt(img.blockSize).putLong(img.dblocks).putLong(img.agblocks)
        .putInt(img.agcount).putInt(img.headerBlocks).putLong(img.logStart)
        .putLong(img.logBlocks);
    b.putInt(crc(sb, 0, SB_BYTES - 4));
    dev.write(0, sb, 0, 1, IoKind.METADATA);
    ImageSlots s = new ImageSlots(dev, img.logStart, img.logBlocks, 0, 1);
    dev.write(s.headerBlock(1), new byte[dev.blockSize()], 0, 1, IoKind.METADATA);
    s.commit(img);
    return s;
  }

  /**
   * Writes {@code img} to the slot not in use, then its header with PREFLUSH (the image blocks
   * reach media first) and FUA (the header is durable when this returns).
   */
  void commit(XfsImage img) {
    byte[] image = XfsImageCodec.encode(img);
    if (image.length > capacity()) {
      throw Errno.ENOSPC.exception("xfsish: metadata image of " + image.length
          + " bytes outgrows its slot of " + capacity() + " bytes (log of "
          + (2 + 2 * slotBlocks) + " blocks); this interim format cannot hold more metadata");
    }
    int slot = 1 - active;
    int payload = bs - BLOCK_CRC_BYTES;
    int n = (image.length + payload - 1) / payload;
    byte[] blocks = new byte[n * bs];
    for (int i = 0; i < n; i++) {
      int len = Math.min(payload, image.length - i * payload);
      System.arraycopy(image, i * payload, blocks, i * bs, len);
      int c = crc(blocks, i * bs, payload);
      ByteBuffer.wrap(blocks).order(ByteOrder.LITTLE_ENDIAN).putInt(i * bs + payload, c);
    }
    dev.write(firstImageBlock(slot), blocks, 0, n, IoKind.METADATA);
    byte[] h = new byte[bs];
    ByteBuffer hb = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    hb.putInt(SLOT_MAGIC).putInt(slot).putLong(generation + 1).putInt(image.length)
        .putInt(crc(image, 0, image.length));
    hb.putInt(crc(h, 0, SLOT_HEADER_BYTES - 4));
    dev.write(headerBlock(slot), h, 0, 1, IoKind.METADATA, RequestFlag.PREFLUSH,
        RequestFlag.FUA);
    generation++;
    active = slot;
  }

  private byte[] readBlocks(long block, int n) {
    byte[] b = new byte[n * bs];
    dev.read(block, b, 0, n, IoKind.METADATA);
    return b;
  }

  private static ErrnoException euclean(String why) {
    return Errno.EUCLEAN.exception("xfsish: " + why);
  }

  /** Reads the superblock and the newest valid slot; EINVAL if there is no xfsish here. */
  static Loaded load(BlockDevice dev) {
    int bs = dev.blockSize();
    byte[] sb = new byte[bs];
    dev.read(0, sb, 0, 1, IoKind.METADATA);
    ByteBuffer b = ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN);
    if (bs < SB_BYTES || b.getInt() != SB_MAGIC) {
      throw Errno.EINVAL.exception("no xfsish filesystem on " + dev.name());
    }
    if (b.getInt(SB_BYTES - 4) != crc(sb, 0, SB_BYTES - 4)) {
      throw euclean("superblock (block 0) fails its CRC32C");
    }
    int blockSize = b.getInt();
    long dblocks = b.getLong();
    long agblocks = b.getLong();
    int agcount = b.getInt();
    int headerBlocks = b.getInt();
    long logStart = b.getLong();
    long logBlocks = b.getLong();
    if (blockSize != bs || dblocks != dev.blocks() || logBlocks < 4 || logStart < 1
        || logStart + logBlocks > dblocks) {
      throw euclean("superblock (block 0) geometry " + blockSize + "-byte blocks, " + dblocks
          + " blocks, log " + logStart + "+" + logBlocks + " does not fit " + dev.name());
    }
    ImageSlots s = new ImageSlots(dev, logStart, logBlocks, 0, 0);
    Header best = null;
    for (int slot = 0; slot < 2; slot++) {
      Header h = s.header(slot);
      if (h != null && (best == null || h.generation > best.generation)) {
        best = h;
      }
    }
    if (best == null) {
      throw euclean("no valid image header (blocks " + s.headerBlock(0) + " and "
          + s.headerBlock(1) + ")");
    }
    byte[] image = s.readImage(best);
    String where = "slot " + "AB".charAt(best.slot) + " (blocks " + s.firstImageBlock(best.slot)
        + "+, generation " + best.generation + ")";
    XfsImage img = XfsImageCodec.decode(image, where);
    if (img.blockSize != blockSize || img.dblocks != dblocks || img.agblocks != agblocks
        || img.agcount != agcount || img.headerBlocks != headerBlocks
        || img.logStart != logStart || img.logBlocks != logBlocks) {
      throw euclean("metadata image " + where + " disagrees with the superblock's geometry");
    }
    s.generation = best.generation;
    s.active = best.slot;
    return new Loaded(img, s, best.generation, best.slot);
  }

  private record Header(int slot, long generation, int length, int imageCrc) {}

  /** The slot's header if its magic, slot number, length and CRC32C hold, else null. */
  private @Nullable Header header(int slot) {
    byte[] h = readBlocks(headerBlock(slot), 1);
    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != SLOT_MAGIC || b.getInt(SLOT_HEADER_BYTES - 4) != crc(h, 0,
        SLOT_HEADER_BYTES - 4)) {
      return null;
    }
    int which = b.getInt();
    long gen = b.getLong();
    long len = Integer.toUnsignedLong(b.getInt());
    int imageCrc = b.getInt();
    if (which != slot || gen < 1 || len < 1 || len > capacity()) {
      return null;
    }
    return new Header(slot, gen, (int) len, imageCrc);
  }

  private byte[] readImage(Header h) {
    int payload = bs - BLOCK_CRC_BYTES;
    int n = (h.length + payload - 1) / payload;
    long first = firstImageBlock(h.slot);
    byte[] blocks = readBlocks(first, n);
    byte[] image = new byte[h.length];
    for (int i = 0; i < n; i++) {
      int stored = ByteBuffer.wrap(blocks).order(ByteOrder.LITTLE_ENDIAN)
          .getInt(i * bs + payload);
      if (stored != crc(blocks, i * bs, payload)) {
        throw euclean("metadata image block " + (first + i) + " (slot " + "AB".charAt(h.slot)
            + ", generation " + h.generation + ") fails its CRC32C");
      }
      System.arraycopy(blocks, i * bs, image, i * payload, Math.min(payload,
          h.length - i * payload));
    }
    if (crc(image, 0, h.length) != h.imageCrc) {
      throw euclean("metadata image in blocks " + first + "-" + (first + n - 1) + " (slot "
          + "AB".charAt(h.slot) + ", generation " + h.generation + ") fails its CRC32C");
    }
    return image;
  }
}
