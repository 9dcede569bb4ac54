package org.vfsim.btrfsish;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code struct btrfs_super_block}, btrfsish's own layout (see package-info): where the trees
 * are, the generation they were committed in, the log tree fsync wrote since, and the
 * geometry mkfs chose. Copies sit at 64 KiB and at the mirror offsets that fit the device.
 */
record DiskSuper(long generation, long root, int rootLevel, long logRoot, int logRootLevel,
    long logRootTransid, Layout layout) {
  static final int SIZE = 4096;
  static final long MAGIC = 0x4D5F53665248425FL; // "_BHRfS_M", as btrfs
  static final long PRIMARY = 64L << 10;
  static final long[] MIRRORS = {64L << 20, 256L << 30};

  /** The offsets of every copy that fits a filesystem of {@code size} bytes. */
  static List<Long> offsets(long size) {
    List<Long> out = new ArrayList<>();
    out.add(PRIMARY);
    for (long m : MIRRORS) {
      if (m + SIZE <= size) {
        out.add(m);
      }
    }
    return out;
  }

  byte[] encode(long bytenr) {
    byte[] b = new byte[SIZE];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.position(32);
    bb.put(ExtentBuffer.MAGIC_FSID);
    bb.putLong(48, bytenr);
    bb.putLong(64, MAGIC);
    bb.putLong(72, generation);
    bb.putLong(80, root);
    bb.putLong(88, logRoot);
    bb.putLong(96, logRootTransid);
    bb.putLong(104, layout.totalBytes());
    bb.putInt(112, layout.sectorSize());
    bb.putInt(116, layout.nodeSize());
    b[120] = (byte) rootLevel;
    b[121] = (byte) logRootLevel;
    bb.putLong(128, layout.metaStart());
    bb.putLong(136, layout.metaBytes());
    bb.putLong(144, layout.dataStart());
    bb.putLong(152, layout.dataBytes());
    ExtentBuffer.putCsum(b, 32);
    return b;
  }

  /** The copy in {@code b}, or null if it is no btrfsish superblock or fails its checksum. */
  static @Nullable DiskSuper decode(byte[] b, long bytenr) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (bb.getLong(64) != MAGIC || !ExtentBuffer.csumOk(b, 32) || bb.getLong(48) != bytenr
        || !Arrays.equals(Arrays.copyOfRange(b, 32, 48), ExtentBuffer.MAGIC_FSID)) {
      return null;
    }
    Layout l = new Layout(bb.getLong(104), bb.getInt(112), bb.getInt(116), PRIMARY,
        bb.getLong(128), bb.getLong(136), bb.getLong(144), bb.getLong(152));
    return new DiskSuper(bb.getLong(72), bb.getLong(80), b[120], bb.getLong(88), b[121],
        bb.getLong(96), l);
  }

  static boolean hasMagic(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(64) == MAGIC;
  }
}
