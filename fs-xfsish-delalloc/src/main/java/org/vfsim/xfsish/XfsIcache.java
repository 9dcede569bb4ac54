package org.vfsim.xfsish;

import org.jspecify.annotations.Nullable;
import org.vfsim.kernel.Task;

/** The inode cache's space reclaim ({@code xfs_icache.c}): trimming post-EOF blocks. */
final class XfsIcache {
  private XfsIcache() {}

  /**
   * The blockgc scan ({@code xfs_blockgc_free_space}): frees post-EOF blocks of every file that
   * may lose them. The background scan skips files with dirty pages; both skip files whose
   * {@code i_rwsem} is busy (a write in flight owns its post-EOF reservation) and fallocated
   * files. {@code self} is a file whose {@code i_rwsem} the caller already holds.
   */
  static long blockgcScan(XfsSuperBlock sb, Task task, boolean sync, @Nullable XfsInode self) {
    sb.count(Counter.BLOCKGC_RUNS, 1);
    long freed = 0;
    for (XfsInode ip : sb.allInodes()) {
      if (ip.isDirectory() || ip.preallocFlag()) {
        continue;
      }
      if (!sync && ip.mapping().nrDirty() > 0) {
        continue;
      }
      if (ip == self) {
        freed += sb.bmap.freeEofBlocks(ip);
        continue;
      }
      if (!ip.rwsem().tryLock(task)) {
        continue;
      }
      try {
        freed += sb.bmap.freeEofBlocks(ip);
      } finally {
        ip.rwsem().unlock(task);
      }
    }
    return freed;
  }
}
