package org.vfsim.btrfsish;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FileType;

/**
 * The on-disk inode of the fs tree: inode item, its file extent items (keyed by file offset)
 * and, for a directory, its entries. {@code size} is btrfs's {@code disk_i_size}.
 */
final class InodeItem {
  static final int FLAG_NODATACOW = 1;
  static final int FLAG_NODATASUM = 2;

  final long ino;
  final FileType type;
  int mode;
  int uid;
  int gid;
  int nlink;
  long size;
  long atime;
  long mtime;
  long ctime;
  int flags;
  TreeMap<Long, FileExtentItem> items = new TreeMap<>();
  TreeMap<String, Long> entries = new TreeMap<>();
  /** A directory's {@code DIR_INDEX} key offset per name, assigned when first written. */
  Map<String, Long> entryIndex = new HashMap<>();
  long nextIndex = 2;
  /** The names linking this inode, per parent directory (its {@code INODE_REF}s). */
  Map<Long, TreeSet<String>> links = new HashMap<>();
  /** The inode item's bytes as the fs tree holds them (null: not in the tree yet). */
  byte @Nullable [] committed;

  InodeItem(long ino, FileType type) {
    this.ino = ino;
    this.type = type;
  }

  /** A copy that later changes to this item do not reach (what the log records at fsync). */
  InodeItem copy() {
    InodeItem c = new InodeItem(ino, type);
    c.mode = mode;
    c.uid = uid;
    c.gid = gid;
    c.nlink = nlink;
    c.size = size;
    c.atime = atime;
    c.mtime = mtime;
    c.ctime = ctime;
    c.flags = flags;
    c.items = new TreeMap<>(items);
    c.entries = new TreeMap<>(entries);
    c.entryIndex = new HashMap<>(entryIndex);
    c.nextIndex = nextIndex;
    return c;
  }

  /** The index of a directory entry, assigned on first use ({@code dir_index}). */
  long indexOf(String name) {
    return entryIndex.computeIfAbsent(name, n -> nextIndex++);
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
