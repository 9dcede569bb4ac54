package org.vfsim.testkit.planted;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.block.RequestFlag;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.Errno;

/**
 * The planted filesystem's metadata in device blocks (the {@code blocks} variant), so that
 * crash states vary it: shadow paging with two metadata areas and a superblock, plus a log for
 * fsync. Block 0 is the superblock (little-endian: u32 magic "PLBS" at 0, u64 generation at 4,
 * u32 area at 12, u32 image length at 16, u32 CRC32C of the image at 20). Blocks 1-16 and
 * 17-32 are the two areas; a commit writes the image into the one the superblock does not name,
 * then the superblock, with PREFLUSH and FUA, naming it (generation + 1). Blocks 33-48 are the
 * log: a 32-byte header (u32 magic "PLLG", u64 generation, u32 length, u32 CRC32C) and an image,
 * written by fsync with PREFLUSH and FUA; mount replays it when its generation is the
 * superblock's. Data blocks start at 49. Each planted ordering bug breaks one of these rules.
 */
final class PlantedBlockLayout {
  static final int AREA_BLOCKS = 16;
  static final int LOG_START = 1 + 2 * AREA_BLOCKS;
  static final int DATA_START = LOG_START + AREA_BLOCKS;
  private static final int SB_MAGIC = 0x53424c50;
  private static final int LOG_MAGIC = 0x474c4c50;
  private static final int LOG_HEADER = 32;

  private PlantedBlockLayout() {}

  /** Where the mounted filesystem stands: the generation and area of the last commit. */
  static final class Position {
    long generation;
    int area;
  }

  static byte[] encode(PlantedSuperBlock.Image image) {
    ByteBuffer b = ByteBuffer.allocate(AREA_BLOCKS * 4096).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(image.nextIno).putInt(image.inodes.size());
    for (Map.Entry<Long, PlantedSuperBlock.InodeImage> e : image.inodes.entrySet()) {
      PlantedSuperBlock.InodeImage ii = e.getValue();
      b.putLong(e.getKey()).put((byte) (ii.type == FileType.DIRECTORY ? 1 : 0)).putInt(ii.mode)
          .putLong(ii.size).putInt(ii.blocks.size());
      ii.blocks.forEach((idx, blk) -> b.putLong(idx).putLong(blk));
      b.putInt(ii.entries.size());
      ii.entries.forEach((name, ino) -> {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) n.length).put(n).putLong(ino);
      });
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  static PlantedSuperBlock.Image decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    PlantedSuperBlock.Image image = new PlantedSuperBlock.Image();
    image.nextIno = b.getLong();
    int n = b.getInt();
    for (int i = 0; i < n; i++) {
      long ino = b.getLong();
      PlantedSuperBlock.InodeImage ii = new PlantedSuperBlock.InodeImage();
      ii.type = b.get() == 1 ? FileType.DIRECTORY : FileType.REGULAR;
      ii.mode = b.getInt();
      ii.size = b.getLong();
      int nb = b.getInt();
      for (int k = 0; k < nb; k++) {
        ii.blocks.put(b.getLong(), b.getLong());
      }
      int ne = b.getInt();
      for (int k = 0; k < ne; k++) {
        byte[] name = new byte[b.getShort()];
        b.get(name);
        ii.entries.put(new String(name, StandardCharsets.UTF_8), b.getLong());
      }
      image.inodes.put(ino, ii);
    }
    return image;
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  private static byte[] padded(byte[] content) {
    int blocks = Math.max(1, (content.length + 4095) / 4096);
    byte[] out = new byte[blocks * 4096];
    System.arraycopy(content, 0, out, 0, content.length);
    return out;
  }

  /** A commit: the image into the other area, then the superblock naming it. */
  static void commit(BlockDevice dev, Position pos, PlantedSuperBlock.Image image, Bug bug) {
    byte[] img = encode(image);
    int area = 1 - pos.area;
    byte[] sb = new byte[4096];
    ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN).putInt(SB_MAGIC)
        .putLong(pos.generation + 1).putInt(area).putInt(img.length).putInt(crc(img, 0,
            img.length));
    byte[] blocks = padded(img);
    if (bug == Bug.SUPER_BEFORE_METADATA) {
      // Planted: the superblock is forced to media before the area it points to.
      dev.write(0, sb, 0, 1, IoKind.METADATA, RequestFlag.FUA);
      dev.write(1 + (long) area * AREA_BLOCKS, blocks, 0, blocks.length / 4096,
          IoKind.METADATA);
      dev.flush();
    } else {
      dev.write(1 + (long) area * AREA_BLOCKS, blocks, 0, blocks.length / 4096,
          IoKind.METADATA);
      dev.write(0, sb, 0, 1, IoKind.METADATA, RequestFlag.PREFLUSH, RequestFlag.FUA);
    }
    pos.generation++;
    pos.area = area;
  }

  /** fsync's log record: the whole image, durable (with the data before it) on return. */
  static void log(BlockDevice dev, Position pos, PlantedSuperBlock.Image image, Bug bug) {
    byte[] img = encode(image);
    byte[] rec = padded(new byte[LOG_HEADER + img.length]);
    ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN).putInt(LOG_MAGIC).putLong(pos.generation)
        .putInt(img.length).putInt(crc(img, 0, img.length));
    System.arraycopy(img, 0, rec, LOG_HEADER, img.length);
    int n = rec.length / 4096;
    switch (bug) {
      case FSYNC_WITHOUT_FLUSH -> dev.write(LOG_START, rec, 0, n, IoKind.METADATA);
      case EXTENT_BEFORE_DATA -> {
        // Planted: the record that maps the new blocks is forced out before their data.
        dev.write(LOG_START, rec, 0, n, IoKind.METADATA, RequestFlag.FUA);
        dev.flush();
      }
      default -> dev.write(LOG_START, rec, 0, n, IoKind.METADATA, RequestFlag.PREFLUSH,
          RequestFlag.FUA);
    }
  }

  /** Mount: the committed image, then the log if it follows that commit. */
  static PlantedSuperBlock.Image load(BlockDevice dev, Position pos, Bug bug) {
    byte[] sb = new byte[4096];
    dev.read(0, sb, 0, 1, IoKind.METADATA);
    ByteBuffer s = ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN);
    if (s.getInt() != SB_MAGIC) {
      throw Errno.EUCLEAN.exception("planted: no superblock");
    }
    pos.generation = s.getLong();
    pos.area = s.getInt();
    int len = s.getInt();
    int crc = s.getInt();
    if (pos.area < 0 || pos.area > 1 || len < 0 || len > AREA_BLOCKS * 4096) {
      throw Errno.EUCLEAN.exception("planted: superblock out of range");
    }
    byte[] area = new byte[AREA_BLOCKS * 4096];
    dev.read(1 + (long) pos.area * AREA_BLOCKS, area, 0, AREA_BLOCKS, IoKind.METADATA);
    if (crc(area, 0, len) != crc) {
      throw Errno.EUCLEAN.exception("planted: metadata area checksum mismatch");
    }
    PlantedSuperBlock.Image image = decode(java.util.Arrays.copyOf(area, len));
    if (bug == Bug.LOG_NOT_REPLAYED) {
      return image;
    }
    byte[] log = new byte[AREA_BLOCKS * 4096];
    dev.read(LOG_START, log, 0, AREA_BLOCKS, IoKind.METADATA);
    ByteBuffer l = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
    if (l.getInt() == LOG_MAGIC && l.getLong() == pos.generation) {
      int llen = l.getInt();
      int lcrc = l.getInt();
      if (llen >= 0 && llen <= log.length - LOG_HEADER && crc(log, LOG_HEADER, llen) == lcrc) {
        image = decode(java.util.Arrays.copyOfRange(log, LOG_HEADER, LOG_HEADER + llen));
      }
    }
    return image;
  }
}
