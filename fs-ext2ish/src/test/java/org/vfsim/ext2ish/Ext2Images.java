package org.vfsim.ext2ish;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;

/** Test helpers between simulated devices and host files holding an ext2 image. */
final class Ext2Images {
  private Ext2Images() {}

  /** Writes the device's content at its offsets into a sparse host file of the device's size. */
  static Path dump(BlockDevice dev, Path file) throws IOException {
    Files.deleteIfExists(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(dev.sizeBytes());
      for (Map.Entry<Long, byte[]> e : dev.contentSnapshot().entrySet()) {
        f.seek(e.getKey() * dev.blockSize());
        f.write(e.getValue());
      }
    }
    return file;
  }

  /** A device of {@code like}'s geometry holding the host file's non-zero blocks. */
  static BlockDevice load(BlockDevice like, Path file) throws IOException {
    Map<Long, byte[]> content = new TreeMap<>();
    int bs = like.blockSize();
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long blocks = Math.min(f.length(), like.sizeBytes()) / bs;
      byte[] buf = new byte[bs];
      for (long b = 0; b < blocks; b++) {
        f.seek(b * bs);
        f.readFully(buf);
        for (byte x : buf) {
          if (x != 0) {
            content.put(b, buf.clone());
            break;
          }
        }
      }
    }
    return BlockDevice.withContent(like, content);
  }

  /** A change of an inode's bytes at {@code off} in its block. */
  interface InodePatch {
    void apply(byte[] block, int off);
  }

  /** Rewrites inode {@code ino} on the device's media (file system block = device block). */
  static void patchInode(BlockDevice dev, Geometry geo, long ino, InodePatch patch) {
    int per = geo.blockSize / dev.blockSize();
    long fsBlock = geo.inodeBlock(ino);
    byte[] b = new byte[geo.blockSize];
    dev.read(fsBlock * per, b, 0, per, IoKind.METADATA);
    patch.apply(b, geo.inodeOffset(ino));
    for (int i = 0; i < per; i++) {
      byte[] part = java.util.Arrays.copyOfRange(b, i * dev.blockSize(),
          (i + 1) * dev.blockSize());
      dev.restoreBlock(fsBlock * per + i, part);
    }
  }
}
