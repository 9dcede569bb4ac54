package org.vfsim.btrfsish;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a transaction commit makes durable: the superblock fields, the fs tree, the extent tree
 * and the csum tree as of the commit. A mount rebuilds everything else (free space) from it.
 */
final class CommitRoot implements Serializable {
  static final String KEY = "btrfsish.root";

  long generation;
  long nextIno;
  Layout layout;
  Map<Long, InodeItem> inodes = new HashMap<>();
  TreeMap<Long, DiskExtent> extents = new TreeMap<>();
  TreeMap<Long, Integer> csums = new TreeMap<>();
}
