package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vfsim.xfsish.ExtentMap.Irec;
import org.vfsim.xfsish.ExtentMap.State;

/**
 * The inode log item's formatter ({@code xfs_inode_item.c}, with {@code xfs_iext_*} to
 * {@code xfs_bmbt} conversion): the dinode as it is now, its data fork inline, as a bmbt, or
 * as a shortform directory, plus the bmbt and directory block images that go with it.
 */
final class InodeItem {
  private InodeItem() {}

  /**
   * Formats the dinode into {@code out} (512 bytes) for a checkpoint; bmbt and directory block
   * images that changed go to {@code items} through {@code cil}.
   */
  static void format(XfsInode ip, int bs, long lsn, long blkno, byte[] out, Cil cil,
      Map<Long, byte[]> items) {
    InodeBuf.Dinode d = ip.coreDinode();
    Map<Long, byte[]> images = new LinkedHashMap<>();
    byte[] fork;
    int format;
    List<Irec> recs = ip.forkIrecs();
    long nblocks = ip.bmbt.size();
    for (Irec r : recs) {
      nblocks += r.len();
    }
    if (ip.isDirectory() && ip.dir == null) {
      format = InodeBuf.FMT_LOCAL;
      fork = InodeBuf.encodeShortform(ip.entriesView());
    } else if (recs.size() <= InodeBuf.INLINE_EXTENTS) {
      format = InodeBuf.FMT_EXTENTS;
      fork = new byte[InodeBuf.LITERAL];
      for (int k = 0; k < recs.size(); k++) {
        Irec r = recs.get(k);
        byte[] p = InodeBuf.packExtent(r.off(), r.start(), r.len(), r.state() == State.UNWRITTEN);
        System.arraycopy(p, 0, fork, k * InodeBuf.EXTENT_BYTES, InodeBuf.EXTENT_BYTES);
      }
    } else {
      format = InodeBuf.FMT_BTREE;
      List<byte[]> packed = new ArrayList<>();
      for (Irec r : recs) {
        packed.add(InodeBuf.packExtent(r.off(), r.start(), r.len(),
            r.state() == State.UNWRITTEN));
      }
      Btree.Built b = Btree.build(Btree.BMAP, bs, ip.ino(), lsn, packed, ip.bmbt,
          InodeBuf.BMDR_ENTRIES);
      images.putAll(b.images());
      fork = new byte[InodeBuf.LITERAL];
      ByteBuffer h = XfsBuf.le(fork);
      h.putShort(0, (short) b.rootLevel()).putShort(2, (short) b.rootEntries().size());
      int at = 4;
      for (byte[] e : b.rootEntries()) {
        System.arraycopy(e, 0, fork, at, e.length);
        at += e.length;
      }
    }
    DirBlocks dir = ip.dir;
    if (dir != null) {
      for (int i : dir.dirty) {
        images.put(dir.blocks.get(i), dir.encode(i, bs, ip.ino(), lsn));
      }
      dir.dirty.clear();
    }
    cil.blockImages(images, items);
    d.nblocks = nblocks;
    InodeBuf.encode(d, format, format == InodeBuf.FMT_LOCAL ? 0 : recs.size(), fork, blkno, lsn,
        out, 0);
  }
}
