package org.vfsim.btrfsish;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The log tree fsync writes between commits: each fsynced inode's item and file extent items,
 * the extents they reference, their checksums and the names linking the inode. Replayed at
 * mount on top of the commit it follows, then discarded by the next commit.
 */
final class LogTree implements Serializable {
  static final String KEY = "btrfsish.log";

  /** The generation of the commit root this log applies on top of. */
  long parentGeneration;
  Map<Long, InodeItem> inodes = new HashMap<>();
  Map<Long, Map<String, Long>> names = new HashMap<>();
  Map<Long, Long> extents = new HashMap<>();
  TreeMap<Long, Integer> csums = new TreeMap<>();
}
