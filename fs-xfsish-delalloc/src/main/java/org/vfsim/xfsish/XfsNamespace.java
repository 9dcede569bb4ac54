package org.vfsim.xfsish;

import org.vfsim.fs.FileType;
import org.vfsim.syscall.Errno;

/**
 * Namespace operations ({@code xfs_inode.c}'s xfs_create, xfs_remove, xfs_rename): each one
 * transaction that changes a directory's entries and the inodes they name, under the
 * superblock's monitor.
 */
final class XfsNamespace {
  private XfsNamespace() {}

  /** {@code xfs_create}: a new inode of {@code type} named {@code name} in {@code dir}. */
  static XfsInode create(XfsSuperBlock sb, XfsInode dir, String name, FileType type, int mode) {
    if (!dir.isDirectory()) {
      throw Errno.ENOTDIR.exception();
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
      throw Errno.ENAMETOOLONG.exception(name);
    }
    sb.transBegin();
    synchronized (sb) {
      if (dir.entries.containsKey(name)) {
        throw Errno.EEXIST.exception(name);
      }
      // XFS_CREATE_SPACE_RES: the chunk (if no inode is free) and the directory's new blocks.
      sb.transReserve((sb.needsInodeChunk() ? XfsMount.chunkBlocks(sb.bs) : 0)
          + Dir2.blocksNeeded(sb, dir, name), "create");
      XfsInode child = sb.newInode(dir, type, mode);
      dir.entries.put(name, child.ino());
      try {
        Dir2.added(sb, dir, name, child.ino());
      } catch (RuntimeException e) {
        dir.entries.remove(name);
        child.setNlink(0);
        sb.forget(child);
        throw e;
      }
      if (type == FileType.DIRECTORY) {
        dir.setNlink(dir.nlink() + 1);
      }
      sb.logTx(1, dir.agno(), dir);
      return child;
    }
  }

  /** {@code xfs_remove} of a non-directory: the entry goes, the inode loses a link. */
  static void unlink(XfsSuperBlock sb, XfsInode dir, String name) {
    sb.transBegin();
    synchronized (sb) {
      XfsInode child = removeEntry(sb, dir, name);
      if (child != null) {
        child.setNlink(child.nlink() - 1);
        sb.logTx(1, child.agno(), child);
      }
      sb.logTx(2, dir.agno(), dir);
    }
  }

  /** {@code xfs_remove} of a directory: the entry and the (empty) directory inode go. */
  static void rmdir(XfsSuperBlock sb, XfsInode dir, String name) {
    sb.transBegin();
    synchronized (sb) {
      XfsInode child = removeEntry(sb, dir, name);
      dir.setNlink(dir.nlink() - 1);
      if (child != null) {
        child.setNlink(0);
        sb.forget(child);
      }
      sb.logTx(2, dir.agno(), dir);
    }
  }

  /**
   * {@code xfs_dir_removename}: drops {@code name} from {@code dir} (ENOENT if absent) and
   * returns the inode it named, or null if that inode is not in core. Caller holds {@code sb}.
   */
  private static XfsInode removeEntry(XfsSuperBlock sb, XfsInode dir, String name) {
    Long ino = dir.entries.remove(name);
    if (ino == null) {
      throw Errno.ENOENT.exception(name);
    }
    Dir2.removed(dir, name);
    return sb.inode(ino);
  }

  /** {@code xfs_rename}: one transaction moves the entry, replacing any target. */
  static void rename(XfsSuperBlock sb, XfsInode dir, String oldName, XfsInode target,
      String newName) {
    sb.transBegin();
    synchronized (sb) {
      if (!dir.entries.containsKey(oldName)) {
        throw Errno.ENOENT.exception(oldName);
      }
      if (!target.entries.containsKey(newName)) {
        // XFS_RENAME_SPACE_RES: the target directory's new blocks, before anything changes.
        sb.transReserve(Dir2.blocksNeeded(sb, target, newName), "rename");
      }
      Long ino = dir.entries.remove(oldName);
      Dir2.removed(dir, oldName);
      Long old = target.entries.put(newName, ino);
      if (old != null) {
        Dir2.replaced(target, newName, ino);
      } else {
        Dir2.added(sb, target, newName, ino);
      }
      XfsInode child = sb.inode(ino);
      if (child != null && child.isDirectory() && target != dir) {
        dir.setNlink(dir.nlink() - 1);
        target.setNlink(target.nlink() + 1);
      }
      if (child != null) {
        // xfs_rename logs the source inode with a new ctime: an fsync of it forces the log.
        child.touchCtime();
        sb.logTx(1, child.agno(), child);
      }
      sb.logTx(3, dir.agno(), dir);
      if (target != dir) {
        sb.logTx(1, target.agno(), target);
      }
    }
  }
}
