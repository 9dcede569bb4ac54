package org.vfsim.xfsish;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The log's entry points ({@code xfs_log.c}, {@code xfs_log_cil.c}): committing a transaction
 * into the CIL, and forcing the CIL to the log for fsync, sync and the log worker. Every method
 * runs under the superblock's monitor (its callers on {@link XfsSuperBlock} hold it).
 */
final class XfsLogForce {
  private XfsLogForce() {}

  /**
   * A transaction commit into the CIL: the inode (and whatever the allocator dirtied) joins the
   * next checkpoint; the inode's bmbt is resized to its records.
   */
  static void logTx(XfsSuperBlock sb, @Nullable XfsInode ip) {
    sb.count(Counter.TRANSACTIONS, 1);
    if (ip != null) {
      if (!ip.isDirectory()) {
        sb.fitBmbt(ip);
      }
      ip.timestampsLogged();
      sb.cil.dirtyInode(ip, true);
    }
  }

  /**
   * {@code xfs_log_force}: makes everything committed so far durable - the dirty items go to
   * the log as one checkpoint whose commit record is written with PREFLUSH and FUA. Returns
   * whether there was anything to write.
   */
  static boolean logForce(XfsSuperBlock sb) {
    logTimestampUpdates(sb);
    return sb.cil.push();
  }

  /**
   * {@code xfs_file_fsync}'s log force: only if the inode's last change is still in the CIL
   * (up to its sequence, which is the CIL's); with {@code datasync}, only if that change was
   * more than timestamps (XFS_ILOG_TIMESTAMP is not in the datasync mask). Returns whether the
   * log was forced.
   */
  static boolean fsyncForce(XfsSuperBlock sb, XfsInode ip, boolean datasync) {
    if (!datasync && ip.timestampsUnlogged() && sb.inodes.containsKey(ip.ino())) {
      ip.timestampsLogged();
      sb.cil.dirtyInode(ip, false);
    }
    if (!sb.cil.holds(ip, datasync)) {
      return false;
    }
    return sb.logForce();
  }

  /**
   * {@code xfs_vn_update_time}: every mtime/ctime change is a transaction logging the inode core.
   * They are committed here, just before the CIL is written, rather than at each syscall: the
   * log ends up holding the same thing, and a burst of writes to one inode between two forces
   * costs one inode item, as relogging an inode already in the CIL does.
   */
  private static void logTimestampUpdates(XfsSuperBlock sb) {
    int marked = 0;
    for (XfsInode ip : List.copyOf(sb.touched)) {
      if (ip.timestampsUnlogged() && sb.inodes.get(ip.ino()) == ip) {
        sb.count(Counter.TRANSACTIONS, 1);
        ip.timestampsLogged();
        sb.cil.dirtyInode(ip, false);
        // Each is a transaction of its own: a CIL grown past its share of the log is
        // checkpointed before more join it.
        if (++marked % 64 == 0 && sb.cil.estimate() > sb.log.maxCheckpointBlocks() / 4) {
          sb.cil.push();
        }
      }
      if (ip.openFiles == 0 && ip != sb.root()) {
        sb.touched.remove(ip);
      }
    }
  }
}
