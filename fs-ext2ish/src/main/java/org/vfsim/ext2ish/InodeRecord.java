package org.vfsim.ext2ish;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The on-disk inode ({@code struct ext2_inode}) plus, for a directory, its entries. */
final class InodeRecord {
  /** i_block[]: 12 direct pointers, then single, double and triple indirect. */
  static final int NDIR = 12;
  static final int IND = 12;
  static final int DIND = 13;
  static final int TIND = 14;

  final long ino;
  final boolean dir;
  int mode;
  int uid;
  int gid;
  int nlink;
  long size;
  /**
   * i_atime, i_mtime, i_ctime: seconds only, as in the classic 128-byte inode (no extra
   * nanosecond fields), which is why ext2 keeps whole seconds in core too.
   */
  long atimeSec;
  long mtimeSec;
  long ctimeSec;
  final long[] data = new long[15];
  /** i_blocks in filesystem blocks: data plus indirect blocks. */
  long blocks;
  /** Directory entries (name -> slot); each lives in one of the directory's blocks. */
  final Map<String, DirSlot> entries = new TreeMap<>();
  /** Bytes used in each directory block (ext2 rec_len accounting). */
  final List<Integer> dirBlockUse = new ArrayList<>();
  /** The names in each directory block, in the order they are written there. */
  final List<LinkedHashSet<String>> blockNames = new ArrayList<>();
  /** A directory's parent (its ".." entry); a file's directory, where {@link #name} is. */
  long parent;
  /** A file's name in {@link #parent} (the last one given), for fsync; null if unknown. */
  String name;
  /** i_generation. */
  long generation;

  /** Adds an empty directory block to the accounting (block 0 holds "." and ".."). */
  void addDirBlock() {
    dirBlockUse.add(dirBlockUse.isEmpty() ? recLen(".") + recLen("..") : 0);
    blockNames.add(new LinkedHashSet<>());
  }

  InodeRecord(long ino, boolean dir, int mode, long nowSec) {
    this.ino = ino;
    this.dir = dir;
    this.mode = mode;
    this.nlink = dir ? 2 : 1;
    this.atimeSec = nowSec;
    this.mtimeSec = nowSec;
    this.ctimeSec = nowSec;
  }

  /** One directory entry: the target inode and the directory block that holds it. */
  record DirSlot(long ino, boolean dir, int block, int recLen) {}

  /** ext2's rec_len for a name: 8 bytes of header plus the name, rounded up to 4. */
  static int recLen(String name) {
    int len = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return (8 + len + 3) & ~3;
  }
}
