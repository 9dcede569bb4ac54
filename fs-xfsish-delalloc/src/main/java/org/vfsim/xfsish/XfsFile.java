package org.vfsim.xfsish;

import org.vfsim.fs.FallocMode;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/** File operations from {@code xfs_file.c} that change space or force the log for one inode. */
final class XfsFile {
  private XfsFile() {}

  /** {@code xfs_file_fallocate}: allocate (unwritten), keep size, punch hole, zero range. */
  static void fallocate(XfsInode ip, Task task, int mode, long offset, long len) {
    XfsSuperBlock sb = ip.sb();
    int unsupported =
        FallocMode.COLLAPSE_RANGE | FallocMode.INSERT_RANGE | FallocMode.UNSHARE_RANGE;
    if ((mode & unsupported) != 0) {
      throw Errno.EOPNOTSUPP.exception("fallocate mode " + mode);
    }
    long end = offset + len;
    int bs = sb.bs;
    sb.transBegin();
    if ((mode & FallocMode.PUNCH_HOLE) != 0) {
      punch(ip, task, offset, end);
      return;
    }
    if ((mode & FallocMode.ZERO_RANGE) != 0) {
      punch(ip, task, offset, end);
    }
    sb.bmap.allocateRange(task, ip, offset / bs, (end + bs - 1) / bs);
    synchronized (sb) {
      ip.preallocFlag = true;
      sb.logTx(1, ip.agno(), ip);
    }
    if ((mode & FallocMode.KEEP_SIZE) == 0 && end > ip.size()) {
      ip.setattrSize(task, end);
    }
  }

  /** {@code xfs_free_file_space}: flush, zero the partial blocks, drop the whole ones. */
  private static void punch(XfsInode ip, Task task, long offset, long end) {
    XfsSuperBlock sb = ip.sb();
    int bs = sb.bs;
    ip.cache().writeAndWait(task, ip.mapping(), offset, end - 1);
    long firstWhole = (offset + bs - 1) / bs;
    long lastWhole = end / bs;
    long size = ip.size();
    if (firstWhole > lastWhole) {
      ip.zeroPartial(task, offset, Math.min(end, size));
      return;
    }
    ip.zeroPartial(task, offset, Math.min(firstWhole * bs, size));
    ip.zeroPartial(task, Math.max(lastWhole * bs, offset), Math.min(end, size));
    if (lastWhole > firstWhole) {
      ip.cache().truncateRange(task, ip.mapping(), firstWhole * bs, lastWhole * bs - 1);
      sb.bmap.freeRange(ip, firstWhole, lastWhole);
    }
  }

  /**
   * {@code xfs_file_fsync}: the data was written and waited for; force the log. fdatasync does
   * not force for timestamp changes alone (XFS_ILOG_TIMESTAMP is not in the datasync mask).
   */
  static void fsync(XfsInode ip, boolean datasync) {
    XfsSuperBlock sb = ip.sb();
    if (!sb.fsyncForce(ip, datasync)) {
      // Nothing of this inode left to log: the data written still needs the cache flushed.
      sb.dev.flush();
    }
  }
}
