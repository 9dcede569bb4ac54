package org.vfsim.ext2ish;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The repairs {@code e2fsck -p} makes on an ext2 filesystem that was not cleanly unmounted, run
 * at mount on the in-core state read from the device, then written back: directory entries
 * naming unused inodes are cleared, blocks mapped past a regular file's end are freed, i_blocks
 * and link counts are set to what was counted, inodes with no link and no name (orphans) are
 * freed, and the bitmaps, free counts and directory counts are rebuilt from the inodes.
 * Beyond preen (what {@code e2fsck -y} does): an unattached inode that holds data goes to
 * {@code lost+found} as {@code #ino}. What it cannot repair (a block claimed twice, a block in
 * the group metadata) is listed in {@link Result#unrepaired} and left alone.
 */
final class Repair {
  private final Ext2ishSuperBlock fs;
  private final FsState s;
  private final Geometry geo;
  private final List<String> done = new ArrayList<>();
  private final List<String> cannot = new ArrayList<>();

  Repair(Ext2ishSuperBlock fs) {
    this.fs = fs;
    this.s = fs.img;
    this.geo = s.geo;
  }

  /** What a repair did and what it could not do, one line each. */
  record Result(ImmutableList<String> repaired, ImmutableList<String> unrepaired) {
    static final Result NOTHING = new Result(ImmutableList.of(), ImmutableList.of());
  }

  Result run() {
    MetadataTracker meta = fs.meta;
    // Pass 2: entries that name no live inode are cleared; their file types made right.
    for (InodeRecord dir : List.copyOf(s.inodes.values())) {
      if (!dir.dir) {
        continue;
      }
      for (Map.Entry<String, InodeRecord.DirSlot> e : List.copyOf(dir.entries.entrySet())) {
        InodeRecord.DirSlot slot = e.getValue();
        InodeRecord target = s.inodes.get(slot.ino());
        if (target == null || slot.ino() < Geometry.FIRST_INO) {
          removeEntry(dir, e.getKey(), slot);
          done.add(String.format("entry '%s' in directory %d has deleted/unused inode %d:"
              + " cleared", e.getKey(), dir.ino, slot.ino()));
        } else if (target.dir != slot.dir()) {
          dir.entries.put(e.getKey(), new InodeRecord.DirSlot(slot.ino(), target.dir,
              slot.block(), slot.recLen()));
          meta.dirty(fs.map.lookup(dir, slot.block()));
          done.add(String.format("entry '%s' in directory %d: file type fixed", e.getKey(),
              dir.ino));
        }
      }
    }
    // Pass 1: blocks; past EOF freed, claimed twice or in group metadata reported.
    Map<Long, Long> owner = new HashMap<>();
    for (InodeRecord rec : List.copyOf(s.inodes.values())) {
      if (!rec.dir) {
        long keep = (rec.size + geo.blockSize - 1) / geo.blockSize;
        long[] past = {0};
        fs.map.forEachData(rec, keep, (l, p) -> {
          past[0]++;
          return true;
        });
        if (past[0] > 0) {
          markAll(rec); // the blocks being freed must be in the bitmap to be freed
          fs.map.truncate(rec, keep);
          done.add(String.format("inode %d: %d blocks past its size %d freed", rec.ino,
              past[0], rec.size));
        }
      }
      long[] count = {0};
      fs.map.forEachBlock(rec, (b, indirect) -> {
        count[0]++;
        Long prev = owner.put(b, rec.ino);
        int g = geo.groupOf(b);
        if (prev != null) {
          cannot.add(String.format("block %d claimed by inodes %d and %d (e2fsck pass 1B"
              + " clones it: run e2fsck -fy)", b, prev, rec.ino));
        } else if (b - geo.groupFirst(g) < geo.overheadOf(g)) {
          cannot.add(String.format("inode %d maps block %d in group %d's metadata (run"
              + " e2fsck -fy)", rec.ino, b, g));
        }
      });
      if (count[0] != rec.blocks) {
        done.add(String.format("inode %d: i_blocks %d, should be %d: fixed", rec.ino,
            rec.blocks, count[0]));
        rec.blocks = count[0];
        meta.dirtyInode(rec.ino);
      }
    }
    // Passes 3 and 4: link counts; orphans freed, unattached inodes into lost+found.
    Map<Long, Integer> links = countLinks();
    for (InodeRecord rec : List.copyOf(s.inodes.values())) {
      if (rec.ino == Geometry.ROOT_INO) {
        continue;
      }
      int named = links.getOrDefault(rec.ino, 0);
      boolean hasName = isNamed(rec.ino);
      if (!hasName) {
        if (rec.nlink == 0 || (rec.size == 0 && rec.blocks == 0 && !rec.dir)) {
          markAll(rec);
          fs.map.truncate(rec, 0);
          fs.freeInode(rec);
          done.add(String.format("inode %d: %s: freed", rec.ino,
              rec.nlink == 0 ? "no links (orphan)" : "unattached, zero length"));
          continue;
        }
        attachToLostFound(rec);
      }
      named = countLinks().getOrDefault(rec.ino, 0);
      int expected = named + (rec.dir ? 1 : 0);
      if (rec.nlink != expected) {
        done.add(String.format("inode %d: i_links_count %d, counted %d: fixed", rec.ino,
            rec.nlink, expected));
        rec.nlink = expected;
        meta.dirtyInode(rec.ino);
      }
    }
    InodeRecord root = s.inodes.get(Geometry.ROOT_INO);
    int rootLinks = countLinks().getOrDefault(root.ino, 0) + 2;
    if (root.nlink != rootLinks) {
      done.add(String.format("root: i_links_count %d, counted %d: fixed", root.nlink, rootLinks));
      root.nlink = rootLinks;
      meta.dirtyInode(root.ino);
    }
    // Pass 5: bitmaps and counts from what the inodes hold.
    rebuildBitmaps(owner);
    for (long ino : meta.dirtyInodes()) {
      InodeRecord rec = s.inodes.get(ino);
      if (rec != null) {
        meta.writeInode(rec, 0);
      }
    }
    return new Result(ImmutableList.copyOf(done), ImmutableList.copyOf(cannot));
  }

  /** Marks the inode's blocks in use (so that freeing them keeps the counts right). */
  private void markAll(InodeRecord rec) {
    fs.map.forEachBlock(rec, (b, indirect) -> {
      int g = geo.groupOf(b);
      int rel = (int) (b - geo.groupFirst(g));
      if (!s.blockBitmap(g).get(rel)) {
        s.blockBitmap(g).set(rel);
        s.blocksChanged(g);
        s.freeBlocks[g]--;
        s.freeBlocksCount--;
      }
    });
  }

  private boolean isNamed(long ino) {
    for (InodeRecord d : s.inodes.values()) {
      if (d.dir) {
        for (InodeRecord.DirSlot slot : d.entries.values()) {
          if (slot.ino() == ino) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Names pointing at each inode, plus each subdirectory's ".." for its parent. */
  private Map<Long, Integer> countLinks() {
    Map<Long, Integer> links = new HashMap<>();
    for (InodeRecord d : s.inodes.values()) {
      if (!d.dir) {
        continue;
      }
      for (InodeRecord.DirSlot slot : d.entries.values()) {
        links.merge(slot.ino(), 1, Integer::sum);
        if (slot.dir()) {
          links.merge(d.ino, 1, Integer::sum);
        }
      }
    }
    return links;
  }

  private void removeEntry(InodeRecord dir, String name, InodeRecord.DirSlot slot) {
    dir.entries.remove(name);
    dir.blockNames.get(slot.block()).remove(name);
    dir.dirBlockUse.set(slot.block(), dir.dirBlockUse.get(slot.block()) - slot.recLen());
    fs.meta.dirty(fs.map.lookup(dir, slot.block()));
  }

  private void attachToLostFound(InodeRecord rec) {
    InodeRecord.DirSlot lfSlot = s.inodes.get(Geometry.ROOT_INO).entries.get("lost+found");
    if (lfSlot == null || !s.inodes.containsKey(lfSlot.ino())) {
      cannot.add(String.format("inode %d is unattached and there is no lost+found (run"
          + " e2fsck -fy)", rec.ino));
      return;
    }
    Ext2ishInode lf = fs.inode(lfSlot.ino());
    String name = "#" + rec.ino;
    lf.addLink(fs.machine().kernelTask(), name, rec.ino, rec.dir);
    lf.syncRecord();
    if (rec.dir) {
      rec.parent = lf.rec.ino;
      fs.meta.dirty(fs.map.lookup(rec, 0));
    }
    fs.meta.dirtyInode(lf.rec.ino);
    done.add(String.format("inode %d (%d bytes) was unattached: connected to /lost+found as"
        + " '%s' (e2fsck -y; -p would stop here)", rec.ino, rec.size, name));
  }

  private void rebuildBitmaps(Map<Long, Long> ignored) {
    // What the inodes use, for the groups they use; every other group holds only its metadata.
    Map<Integer, BitSet> used = new HashMap<>();
    Map<Integer, BitSet> inodes = new HashMap<>();
    Map<Integer, Integer> dirs = new HashMap<>();
    inodes.computeIfAbsent(0, g -> new BitSet(geo.inodesPerGroup))
        .set(0, Geometry.FIRST_INO - 1);
    for (InodeRecord rec : s.inodes.values()) {
      int g = geo.inodeGroup(rec.ino);
      inodes.computeIfAbsent(g, x -> new BitSet(geo.inodesPerGroup))
          .set((int) ((rec.ino - 1) % geo.inodesPerGroup));
      if (rec.dir) {
        dirs.merge(g, 1, Integer::sum);
      }
      fs.map.forEachBlock(rec, (b, indirect) -> {
        int bg = geo.groupOf(b);
        used.computeIfAbsent(bg, s::freshBlockBitmap).set((int) (b - geo.groupFirst(bg)));
      });
    }
    long freeTotal = 0;
    long freeInodes = 0;
    for (int g = 0; g < geo.groups; g++) {
      BitSet want = used.getOrDefault(g, null);
      if (want == null) {
        want = s.freshBlockBitmap(g);
      }
      BitSet have = s.peekBlockBitmap(g);
      if (!want.equals(have)) {
        BitSet diff = (BitSet) want.clone();
        diff.xor(have);
        done.add(String.format("group %d: block bitmap differences (%d blocks): fixed", g,
            diff.cardinality()));
        BitSet bm = s.blockBitmap(g);
        bm.clear();
        bm.or(want);
        s.blocksChanged(g);
        fs.meta.dirtyGroup(g);
      }
      BitSet wantI = inodes.get(g);
      if (wantI == null) {
        wantI = new BitSet(geo.inodesPerGroup);
      }
      if (!wantI.equals(s.peekInodeBitmap(g))) {
        done.add(String.format("group %d: inode bitmap differences: fixed", g));
        BitSet ib = s.inodeBitmap(g);
        ib.clear();
        ib.or(wantI);
        if (!wantI.isEmpty()) {
          s.inodeUsed(g, wantI.length() - 1);
        }
        fs.meta.dirtyGroup(g);
        fs.meta.dirtyInodeBitmap(g);
      }
      // Every free block may hold an old owner's bytes after a crash (groups not in core: the
      // flag staleAfterCrash says so until their bitmap comes in).
      s.restale(g);
      int free = geo.blocksInGroup(g) - want.cardinality();
      int freeI = geo.inodesPerGroup - wantI.cardinality();
      int d = dirs.getOrDefault(g, 0);
      if (free != s.freeBlocks[g] || freeI != s.freeInodes[g] || d != s.usedDirs[g]) {
        done.add(String.format("group %d: free blocks %d, free inodes %d, directories %d;"
            + " counted %d, %d, %d: fixed", g, s.freeBlocks[g], s.freeInodes[g],
            s.usedDirs[g], free, freeI, d));
        s.freeBlocks[g] = free;
        s.freeInodes[g] = freeI;
        s.usedDirs[g] = d;
        fs.meta.dirtyGroup(g);
      }
      freeTotal += free;
      freeInodes += freeI;
    }
    if (freeTotal != s.freeBlocksCount || freeInodes != s.freeInodesCount) {
      done.add(String.format("superblock: free blocks %d, free inodes %d; counted %d, %d:"
          + " fixed", s.freeBlocksCount, s.freeInodesCount, freeTotal, freeInodes));
      s.freeBlocksCount = freeTotal;
      s.freeInodesCount = freeInodes;
    }
  }
}
