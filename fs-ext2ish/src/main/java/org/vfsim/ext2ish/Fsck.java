package org.vfsim.ext2ish;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.vfsim.fs.FsckReport;

/**
 * e2fsck's passes over the image: every block referenced once and marked in its bitmap, no
 * marked block unreferenced, free counts equal to the bitmaps, directory counts, inode bitmap
 * against the inode table, no block mapped past the end of a regular file, and reservation
 * windows that do not overlap.
 */
final class Fsck {
  private Fsck() {}

  static FsckReport check(FsState img, BlockMap map, TreeMap<Long, ReservationWindow> windows) {
    FsckReport.Builder r = new FsckReport.Builder();
    Geometry geo = img.geo;
    Map<Long, Long> owner = new HashMap<>();
    Set<Long> referencedIndirect = new HashSet<>();
    int[] dirs = new int[geo.groups];
    for (InodeRecord rec : img.inodes.values()) {
      int g = geo.inodeGroup(rec.ino);
      int idx = (int) ((rec.ino - 1) % geo.inodesPerGroup);
      r.check(img.peekInodeBitmap(g).get(idx), "inode %d in use but free in inode bitmap",
          rec.ino);
      r.check(!img.uninitBg || (img.flags[g] & FsState.INODE_UNINIT) == 0,
          "inode %d in use in group %d marked INODE_UNINIT", rec.ino, g);
      r.check(!img.uninitBg || !img.inUnusedTail(rec.ino),
          "inode %d in use past group %d's itable_unused %d", rec.ino, g, img.itableUnused[g]);
      if (rec.dir) {
        dirs[g]++;
      }
      long[] count = new long[1];
      long lastAllowed = rec.dir ? Long.MAX_VALUE
          : (rec.size + geo.blockSize - 1) / geo.blockSize;
      map.forEachBlock(rec, (b, indirect) -> {
        count[0]++;
        if (indirect) {
          referencedIndirect.add(b);
        }
        if (b < geo.firstDataBlock || b >= geo.blocksCount) {
          r.problem("inode %d references block %d outside the filesystem", rec.ino, b);
          return;
        }
        Long prev = owner.put(b, rec.ino);
        if (prev != null) {
          r.problem("block %d referenced twice (inodes %d and %d)", b, prev, rec.ino);
        }
        int bg = geo.groupOf(b);
        int rel = (int) (b - geo.groupFirst(bg));
        if (rel < geo.overheadOf(bg)) {
          r.problem("inode %d references metadata block %d of group %d", rec.ino, b, bg);
        } else if (!img.peekBlockBitmap(bg).get(rel)) {
          r.problem("block %d is free in the bitmap but mapped by inode %d", b, rec.ino);
        }
      });
      r.check(count[0] == rec.blocks, "inode %d: i_blocks %d but %d blocks mapped", rec.ino,
          rec.blocks, count[0]);
      if (!rec.dir) {
        long[] past = new long[1];
        mappedPast(map, rec, lastAllowed, past);
        r.check(past[0] == 0, "inode %d (size %d) has %d blocks mapped past EOF", rec.ino,
            rec.size, past[0]);
      }
    }
    // Pass 2 and 4: entries point at live inodes; link counts and rec_len accounting agree.
    Map<Long, Integer> links = new HashMap<>();
    for (InodeRecord rec : img.inodes.values()) {
      if (!rec.dir) {
        continue;
      }
      int used = InodeRecord.recLen(".") + InodeRecord.recLen("..");
      int[] perBlock = new int[rec.dirBlockUse.size()];
      if (perBlock.length > 0) {
        perBlock[0] = used;
      }
      for (Map.Entry<String, InodeRecord.DirSlot> e : rec.entries.entrySet()) {
        InodeRecord.DirSlot slot = e.getValue();
        InodeRecord target = img.inodes.get(slot.ino());
        if (target == null) {
          r.problem("entry '%s' in directory %d points at free inode %d", e.getKey(), rec.ino,
              slot.ino());
          continue;
        }
        r.check(target.dir == slot.dir(), "entry '%s' in directory %d has the wrong type",
            e.getKey(), rec.ino);
        links.merge(slot.ino(), 1, Integer::sum);
        if (target.dir) {
          links.merge(rec.ino, 1, Integer::sum); // the child's ".."
        }
        if (slot.block() < perBlock.length) {
          perBlock[slot.block()] += slot.recLen();
        } else {
          r.problem("entry '%s' in directory %d lies in block %d past its %d blocks", e.getKey(),
              rec.ino, slot.block(), perBlock.length);
        }
      }
      for (int i = 0; i < perBlock.length; i++) {
        r.check(perBlock[i] == rec.dirBlockUse.get(i),
            "directory %d block %d: %d bytes of entries, %d accounted", rec.ino, i, perBlock[i],
            rec.dirBlockUse.get(i));
      }
    }
    for (InodeRecord rec : img.inodes.values()) {
      int expected = links.getOrDefault(rec.ino, 0) + (rec.dir ? 1 : 0); // a directory's "."
      if (rec.ino == Geometry.ROOT_INO) {
        expected++; // the root's ".." is itself
      }
      r.check(rec.nlink == expected, "inode %d: i_links_count %d, counted %d", rec.ino,
          rec.nlink, expected);
    }
    for (Long b : img.indirect.keySet()) {
      r.check(referencedIndirect.contains(b), "indirect block %d belongs to no inode", b);
    }
    long freeTotal = 0;
    long freeInodesTotal = 0;
    int uninit = FsState.BLOCK_UNINIT | FsState.INODE_UNINIT;
    for (int g = 0; g < geo.groups; g++) {
      int size = geo.blocksInGroup(g);
      if (img.uninitBg && !img.inCore(g) && (img.flags[g] & uninit) == uninit) {
        // Both bitmaps uninitialised: the counts are the fresh group's, in closed form.
        int free = size - geo.overheadOf(g);
        r.check(free == img.freeBlocks[g], "group %d: %d free blocks counted, bitmap has %d", g,
            img.freeBlocks[g], free);
        r.check(img.freeInodes[g] == geo.inodesPerGroup && dirs[g] == 0 && img.usedDirs[g] == 0,
            "group %d: INODE_UNINIT but %d free inodes, %d directories", g, img.freeInodes[g],
            img.usedDirs[g]);
        freeTotal += free;
        freeInodesTotal += geo.inodesPerGroup;
        continue;
      }
      BitSet bm = img.peekBlockBitmap(g);
      long first = geo.groupFirst(g);
      for (int i = 0; i < geo.overheadOf(g); i++) {
        r.check(bm.get(i), "metadata block %d of group %d is free in the bitmap", first + i, g);
      }
      for (int i = bm.nextSetBit(geo.overheadOf(g)); i >= 0 && i < size; i = bm.nextSetBit(i + 1)) {
        r.check(owner.containsKey(first + i), "block %d marked in use but referenced by no inode",
            first + i);
      }
      r.check(bm.nextSetBit(size) < 0, "group %d bitmap has bits past the group end", g);
      BitSet stale = img.staleFreeIfMade(g);
      r.check(stale == null || !stale.intersects(bm), "group %d: a block in use is marked stale",
          g);
      r.check(!img.uninitBg || (img.flags[g] & FsState.BLOCK_UNINIT) == 0
          || bm.equals(img.freshBlockBitmap(g)), "group %d: BLOCK_UNINIT but blocks in use", g);
      int free = size - bm.cardinality();
      r.check(free == img.freeBlocks[g], "group %d: %d free blocks counted, bitmap has %d", g,
          img.freeBlocks[g], free);
      freeTotal += free;
      BitSet ib = img.peekInodeBitmap(g);
      int freeI = geo.inodesPerGroup - ib.cardinality();
      r.check(freeI == img.freeInodes[g], "group %d: %d free inodes counted, bitmap has %d", g,
          img.freeInodes[g], freeI);
      freeInodesTotal += freeI;
      r.check(dirs[g] == img.usedDirs[g], "group %d: %d directories counted, %d found", g,
          img.usedDirs[g], dirs[g]);
      for (int i = ib.nextSetBit(0); i >= 0; i = ib.nextSetBit(i + 1)) {
        long ino = (long) g * geo.inodesPerGroup + i + 1;
        if (ino >= Geometry.FIRST_INO || ino == Geometry.ROOT_INO) {
          r.check(img.inodes.containsKey(ino), "inode %d marked in use but not in the table", ino);
        }
      }
    }
    r.check(freeTotal == img.freeBlocksCount, "superblock: %d free blocks, bitmaps have %d",
        img.freeBlocksCount, freeTotal);
    r.check(freeInodesTotal == img.freeInodesCount, "superblock: %d free inodes, bitmaps have %d",
        img.freeInodesCount, freeInodesTotal);
    long prevEnd = -1;
    ReservationWindow prev = null;
    for (Map.Entry<Long, ReservationWindow> e : windows.entrySet()) {
      ReservationWindow w = e.getValue();
      r.check(e.getKey() == w.start, "window %s filed under %d", w, e.getKey());
      r.check(w.start <= w.end, "window %s is empty but in the tree", w);
      r.check(w.start > prevEnd, "windows %s and %s overlap", prev, w);
      prevEnd = w.end;
      prev = w;
    }
    return r.build();
  }

  /** Counts mapped data blocks at or past {@code first} logical block. */
  private static void mappedPast(BlockMap map, InodeRecord rec, long first, long[] out) {
    map.forEachData(rec, first, (logical, phys) -> {
      out[0]++;
      return true;
    });
  }
}
