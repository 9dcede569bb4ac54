package org.vfsim.btrfsish;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FsckReport;
import org.vfsim.syscall.ErrnoException;

/**
 * The on-disk half of fsck ({@code btrfs check}, with the kernel's {@code tree-checker.c} rules):
 * reads the committed trees and the log tree from the device, bypassing the node cache, and
 * checks every node's checksum, bytenr, level, owner, generation against its parent pointer and
 * the superblock, key order within the node and against the parent's keys, that no block is
 * referenced twice, that every extent item's backrefs match the file extent items that point
 * at it, and that every checksum lies inside an extent.
 */
final class TreeChecker {
  private final BtrfsFs fs;
  private final FsckReport.Builder r;
  private final Set<Long> seen = new HashSet<>();
  private long maxGen;

  private TreeChecker(BtrfsFs fs, FsckReport.Builder r) {
    this.fs = fs;
    this.r = r;
  }

  private boolean ck(boolean ok, String format, Object... args) {
    r.check(ok, format, args);
    return ok;
  }

  static void check(BtrfsFs fs, FsckReport.Builder r) {
    new TreeChecker(fs, r).run();
  }

  private void run() {
    DiskSuper sb;
    try {
      sb = DiskIo.readSuper(fs.device);
    } catch (ErrnoException e) {
      r.problem("superblock: %s", e.getMessage());
      return;
    }
    if (sb == null) {
      r.problem("no superblock");
      return;
    }
    maxGen = sb.generation();
    TreeMap<Key, byte[]> rootItems = walk(sb.root(), -1, Key.ROOT_TREE);
    Map<Long, TreeMap<Key, byte[]>> trees = new HashMap<>();
    for (long id : List.of(Key.FS_TREE, Key.EXTENT_TREE, Key.CSUM_TREE)) {
      byte[] item = rootItems == null ? null : rootItems.get(new Key(id, Key.ROOT_ITEM, 0));
      if (item == null) {
        r.problem("root tree: no root item for tree %d", id);
        return;
      }
      trees.put(id, walk(Items.rootBytenr(item), -1, id));
    }
    if (sb.logRoot() != 0 && sb.logRootTransid() == sb.generation()) {
      maxGen = sb.generation() + 1;
      walk(sb.logRoot(), -1, Key.LOG_TREE);
    }
    if (trees.values().stream().anyMatch(t -> t == null)) {
      return;
    }
    checkBackrefs(trees.get(Key.FS_TREE), trees.get(Key.EXTENT_TREE),
        trees.get(Key.CSUM_TREE));
  }

  /** Reads and checks the tree at {@code bytenr}; returns its items, or null if it is damaged. */
  private @Nullable TreeMap<Key, byte[]> walk(long bytenr, long ptrGen, long owner) {
    TreeMap<Key, byte[]> items = new TreeMap<>();
    return node(bytenr, ptrGen, -1, null, null, owner, items) ? items : null;
  }

  private boolean node(long bytenr, long ptrGen, int level, @Nullable Key lo, @Nullable Key hi,
      long owner, TreeMap<Key, byte[]> items) {
    ExtentBuffer n;
    try {
      n = fs.io.readUncached(bytenr);
    } catch (ErrnoException e) {
      r.problem("tree %d: %s", owner, e.getMessage());
      return false;
    }
    boolean ok = ck(seen.add(bytenr), "tree block %d referenced twice", bytenr);
    ok &= ck(n.owner == owner, "tree block %d: owner %d, expected %d", bytenr, n.owner,
        owner);
    ok &= ck(level < 0 || n.level == level, "tree block %d: level %d, expected %d",
        bytenr, n.level, level);
    ok &= ck(ptrGen < 0 || n.generation == ptrGen,
        "tree block %d: generation %d but its parent says %d", bytenr, n.generation, ptrGen);
    ok &= ck(n.generation <= maxGen, "tree block %d: generation %d after the super's %d",
        bytenr, n.generation, maxGen);
    if (n.nritems() > 0) {
      ok &= ck(lo == null || n.keys.get(0).compareTo(lo) >= 0,
          "tree block %d: first key %s below its parent's key %s", bytenr, n.keys.get(0), lo);
      ok &= ck(hi == null || n.keys.get(n.nritems() - 1).compareTo(hi) < 0,
          "tree block %d: last key %s not below the next parent key %s", bytenr,
          n.keys.get(n.nritems() - 1), hi);
    } else {
      ok &= ck(n.isLeaf(), "tree block %d: an empty node", bytenr);
    }
    if (n.isLeaf()) {
      for (int i = 0; i < n.nritems(); i++) {
        items.put(n.keys.get(i), n.data.get(i));
      }
      return ok;
    }
    for (int i = 0; i < n.nritems(); i++) {
      Key next = i + 1 < n.nritems() ? n.keys.get(i + 1) : hi;
      ok &= node(n.ptrs.get(i)[0], n.ptrs.get(i)[1], n.level - 1, n.keys.get(i), next, owner,
          items);
    }
    return ok;
  }

  private void checkBackrefs(TreeMap<Key, byte[]> fsItems, TreeMap<Key, byte[]> extItems,
      TreeMap<Key, byte[]> csumItems) {
    Map<Long, Map<DataRef, Integer>> counted = new HashMap<>();
    try {
      fsItems.forEach((k, v) -> {
        if (k.type() == Key.EXTENT_DATA) {
          FileExtentItem it = Items.fileExtent(v);
          counted.computeIfAbsent(it.diskBytenr(), b -> new HashMap<>())
              .merge(new DataRef(k.objectid(), it.backrefBase(k.offset())), 1, Integer::sum);
        }
      });
      Map<Long, Map<DataRef, Integer>> recorded = new HashMap<>();
      TreeMap<Long, Long> extentEnds = new TreeMap<>();
      extItems.forEach((k, v) -> {
        if (k.type() == Key.EXTENT_ITEM) {
          extentEnds.put(k.objectid(), k.objectid() + k.offset());
          recorded.computeIfAbsent(k.objectid(), b -> new HashMap<>());
          Map<DataRef, Integer> refs = new HashMap<>();
          extItems.subMap(new Key(k.objectid(), Key.EXTENT_DATA_REF, 0), true,
              Key.max(k.objectid(), Key.EXTENT_DATA_REF), true).values()
              .forEach(d -> Items.decodeDataRefs(d, refs));
          long sum = refs.values().stream().mapToLong(Integer::longValue).sum();
          r.check(sum == Items.extentRefs(v), "extent %d: item says %d refs, backrefs hold %d",
              k.objectid(), Items.extentRefs(v), sum);
          recorded.put(k.objectid(), refs);
        } else if (k.type() == Key.EXTENT_DATA_REF) {
          r.check(extentEnds.containsKey(k.objectid()), "data backref %s without an extent item",
              k);
        }
      });
      recorded.forEach((b, refs) -> r.check(refs.equals(counted.getOrDefault(b, Map.of())),
          "on disk: extent %d has backrefs %s but file extent items reference it as %s", b,
          refs, counted.getOrDefault(b, Map.of())));
      counted.keySet().stream().filter(b -> !recorded.containsKey(b)).forEach(b -> r.problem(
          "on disk: file extent items reference extent %d that the extent tree lacks", b));
      for (Map.Entry<Key, byte[]> e : csumItems.entrySet()) {
        Map<Long, Integer> sums = new TreeMap<>();
        Items.decodeCsumRun(e.getValue(), e.getKey().offset(), fs.sectorSize, sums);
        for (long at : sums.keySet()) {
          Map.Entry<Long, Long> ext = extentEnds.floorEntry(at);
          r.check(ext != null && ext.getValue() > at, "on disk: checksum at %d outside any "
              + "extent", at);
        }
      }
    } catch (ErrnoException e) {
      r.problem("on disk: %s", e.getMessage());
    }
  }
}
