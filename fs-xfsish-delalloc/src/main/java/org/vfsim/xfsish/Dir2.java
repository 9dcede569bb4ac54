package org.vfsim.xfsish;

import java.util.Map;

/**
 * Directory operations ({@code xfs_dir2.c}): which form a directory is in - shortform in the
 * inode while its entries fit ({@code xfs_dir2_sf_addname}), else data blocks ({@link
 * DirBlocks}) after {@code xfs_dir2_sf_to_block} - and keeping that form in step with the
 * in-core entry map. Called with the superblock's monitor held.
 */
final class Dir2 {
  private Dir2() {}

  /**
   * An entry was added to {@code dir}'s map: shortform while it fits in the inode, else into
   * a directory block with room (a new one near the inode if none has).
   */
  static void added(XfsSuperBlock sb, XfsInode dir, String name, long ino) {
    if (dir.dir == null) {
      if (InodeBuf.sfSize(dir.entriesView()) <= InodeBuf.LITERAL) {
        return;
      }
      // xfs_dir2_sf_to_block: every entry moves into blocks.
      dir.dir = new DirBlocks(sb.bs);
      for (Map.Entry<String, Long> e : dir.entriesView().entrySet()) {
        placeEntry(sb, dir, e.getKey(), e.getValue());
      }
    } else {
      placeEntry(sb, dir, name, ino);
    }
    sb.fitBmbt(dir);
  }

  private static void placeEntry(XfsSuperBlock sb, XfsInode dir, String name, long ino) {
    int blk = dir.dir.fit(name);
    if (blk < 0) {
      dir.dir.addBlock(sb.allocMeta(dir.agno(), sb.inodeLocation(dir.ino())[0]));
      blk = dir.dir.blocks.size() - 1;
    }
    dir.dir.add(blk, name, ino);
  }

  static void removed(XfsInode dir, String name) {
    if (dir.dir != null) {
      dir.dir.remove(name);
    }
  }

  static void replaced(XfsInode dir, String name, long ino) {
    if (dir.dir != null) {
      dir.dir.rename(name, ino);
    }
  }
}
