package org.vfsim.btrfsish;

import java.io.Serializable;
import java.util.TreeMap;
import org.vfsim.fs.FileType;

/**
 * The on-disk inode of the fs tree: inode item, its file extent items (keyed by file offset)
 * and, for a directory, its entries. {@code size} is btrfs's {@code disk_i_size}.
 */
final class InodeItem implements Serializable {
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
    return c;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
