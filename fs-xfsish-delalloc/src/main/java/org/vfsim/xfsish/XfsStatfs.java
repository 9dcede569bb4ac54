package org.vfsim.xfsish;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.List;
import org.vfsim.fs.StatFs;

/**
 * What a mounted xfsish reports about its space ({@code xfs_fs_statfs}, {@code xfs_fsops.c}'s
 * counts): statfs, the counters, the free extents and the blocks files use. Every method runs
 * under the superblock's monitor (its callers on {@link XfsSuperBlock} hold it).
 */
final class XfsStatfs {
  private XfsStatfs() {}

  static StatFs statfs(XfsSuperBlock sb) {
    long f = Math.max(0, sb.fdblocks);
    return new StatFs(XfsSuperBlock.XFS_SB_MAGIC, sb.bs, sb.dblocks, f, f,
        sb.inodes.size() + 1_000_000L, 1_000_000L, 255);
  }

  static ImmutableMap<String, Long> counters(XfsSuperBlock sb) {
    ImmutableMap.Builder<String, Long> b = ImmutableMap.builder();
    sb.counters.forEach((c, v) -> b.put(c.key(), v));
    XfsSuperBlock.Space s = sb.space();
    b.put("delalloc_outstanding_blocks", s.reservedData());
    b.put("delalloc_outstanding_indlen", s.reservedIndlen());
    b.put("free_blocks", s.free());
    b.put("used_blocks", s.used());
    b.put("total_blocks", s.total());
    return b.buildOrThrow();
  }

  static List<long[]> freeSpaceExtents(XfsSuperBlock sb) {
    List<long[]> out = new ArrayList<>();
    for (AllocGroup ag : sb.ags) {
      out.addAll(ag.extents());
    }
    return out;
  }

  static long allocatedDataBytes(XfsSuperBlock sb) {
    long n = 0;
    for (XfsInode ip : sb.inodes.values()) {
      n += ip.realBlocks();
    }
    return n * sb.bs;
  }
}
