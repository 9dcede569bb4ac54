package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.vfsim.fs.FileType;

/**
 * The on-disk state as the last log force left it: geometry, the AG free-space btrees, and every
 * inode with its on-disk size ({@code di_size}) and its real (never delayed) extents. Encoded by
 * {@link XfsImageCodec} into an {@link ImageSlots} slot; a mount, including the one after a
 * power cut, starts from it.
 */
final class XfsImage {

  int blockSize;
  long dblocks;
  int agcount;
  long agblocks;
  int headerBlocks;
  long logStart;
  long logBlocks;
  long logHead;
  int agRotor;
  long rootIno;
  List<AllocGroup> ags = new ArrayList<>();
  long[] nextAgino;
  TreeMap<Long, Dinode> inodes = new TreeMap<>();

  /** One on-disk inode ({@code xfs_dinode}). */
  static final class Dinode {
      long ino;
    FileType type;
    int mode;
    int uid;
    int gid;
    int nlink;
    long size;
    long atime;
    long mtime;
    long ctime;
    boolean preallocFlag;
    ExtentMap extents = new ExtentMap();
    TreeMap<String, Long> entries = new TreeMap<>();
  }
}
