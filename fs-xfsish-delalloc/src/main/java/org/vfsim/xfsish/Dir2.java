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
      try {
        for (Map.Entry<String, Long> e : dir.entriesView().entrySet()) {
          placeEntry(sb, dir, e.getKey(), e.getValue());
        }
      } catch (RuntimeException e) {
        // Never left half-converted: back to shortform, the blocks taken so far freed.
        for (long b : dir.dir.blocks) {
          sb.freeMeta(b);
        }
        dir.dir = null;
        throw e;
      }
    } else {
      placeEntry(sb, dir, name, ino);
    }
    sb.fitBmbt(dir);
  }

  /**
   * The worst-case new blocks that adding {@code name} to {@code dir} takes: directory blocks
   * (all of them when it is the entry that moves a shortform directory into blocks) and bmbt
   * blocks for their extents. XFS reserves this much when the transaction starts
   * ({@code XFS_DIRENTER_SPACE_RES}) so that an ENOSPC comes before anything changes.
   */
  static long blocksNeeded(XfsSuperBlock sb, XfsInode dir, String name) {
    long newBlocks;
    if (dir.dir == null) {
      java.util.TreeMap<String, Long> after = new java.util.TreeMap<>(dir.entriesView());
      after.put(name, 0L);
      if (InodeBuf.sfSize(after) <= InodeBuf.LITERAL) {
        return 0;
      }
      // Pack as placeEntry will: a new block whenever no existing one has room.
      DirBlocks trial = new DirBlocks(sb.bs);
      newBlocks = 0;
      for (Map.Entry<String, Long> e : after.entrySet()) {
        int blk = trial.fit(e.getKey());
        if (blk < 0) {
          trial.addBlock(-1);
          blk = trial.blocks.size() - 1;
          newBlocks++;
        }
        trial.add(blk, e.getKey(), e.getValue());
      }
    } else {
      newBlocks = dir.dir.fit(name) < 0 ? 1 : 0;
    }
    if (newBlocks == 0) {
      return 0;
    }
    // Worst case: every new block is an extent of its own.
    int records = dir.forkRecords() + (int) newBlocks;
    int bmbt = records <= InodeBuf.INLINE_EXTENTS ? 0
        : Btree.blocksNeeded(Btree.BMAP, sb.bs, records, InodeBuf.BMDR_ENTRIES);
    return newBlocks + Math.max(0, bmbt - dir.bmbt.size());
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
