package org.vfsim.xfsish;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.alloc.AllocRequest;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.syscall.Errno;

/**
 * Block allocation ({@code xfs_alloc.c}, {@code xfs_bmap_btalloc}): data extents, btree and
 * bmbt blocks, and freeing into busy extents. Every method runs under the superblock's
 * monitor (its callers on {@link XfsSuperBlock} hold it), as the AGF buffer lock serialises
 * XFS's.
 */
final class XfsAlloc {
  private XfsAlloc() {}

  /**
   * {@code len} blocks in AG {@code a} near {@code target}; when only busy blocks are left,
   * forces the log and tries again (not while a checkpoint is being formatted).
   */
  static long @Nullable [] allocInAg(XfsSuperBlock sb, AllocGroup a, long target, long len) {
    long[] got = a.allocNear(target, len, len);
    if (got == null && !sb.busy.isEmpty() && !sb.cil.formatting()) {
      sb.logForce();
      got = a.allocNear(target, len, len);
    }
    if (got != null) {
      sb.cil.dirtyAgf(a.agno);
    }
    return got;
  }

  /** One metadata block in AG {@code agno} near {@code target}, charged to {@code m_fdblocks}. */
  static long allocMeta(XfsSuperBlock sb, int agno, long target) {
    sb.takeMeta(1);
    AllocGroup a = sb.ags.get(agno);
    long[] got = sb.allocInAg(a, target, 1);
    if (got == null) {
      for (int i = 1; i < sb.agcount && got == null; i++) {
        a = sb.ags.get((agno + i) % sb.agcount);
        got = sb.allocInAg(a, a.agStart, 1);
      }
    }
    if (got == null) {
      sb.fdblocks += 1;
      throw Errno.ENOSPC.exception("no space for a metadata block");
    }
    sb.cil.newBlock(got[0]);
    return got[0];
  }

  /** One metadata block in its own AG (a btree block the AG owns), or ENOSPC. */
  static long allocAgMeta(XfsSuperBlock sb, AllocGroup a) {
    sb.takeMeta(1);
    long[] got = sb.allocInAg(a, a.agStart + sb.headerBlocks, 1);
    if (got == null) {
      sb.fdblocks += 1;
      throw Errno.ENOSPC.exception("no space for a btree block in AG " + a.agno);
    }
    sb.cil.newBlock(got[0]);
    return got[0];
  }

  /**
   * Frees a metadata block: busy until the freeing checkpoint is on disk, and cancelled in the
   * log so that recovery never writes an older image of it over what the block holds next.
   */
  static void freeMeta(XfsSuperBlock sb, long b) {
    sb.busy.add(b, 1, sb.log.currentSeq(), true);
    sb.fdblocks += 1;
    sb.cil.dirtyAgf(sb.agOf(b));
    sb.cil.cancel(b);
  }

  /**
   * Grows or shrinks the inode's bmbt to what its data fork's records need: none while they fit
   * in the inode, else {@link Btree#blocksNeeded} blocks near the inode. New blocks come from
   * the blocks a delayed extent's indlen just returned to {@code m_fdblocks}.
   */
  static void fitBmbt(XfsSuperBlock sb, XfsInode ip) {
    int n = ip.forkRecords();
    int need = n <= InodeBuf.INLINE_EXTENTS ? 0
        : Btree.blocksNeeded(Btree.BMAP, sb.bs, n, InodeBuf.BMDR_ENTRIES);
    while (ip.bmbt.size() < need) {
      ip.bmbt.add(sb.allocMeta(ip.agno(), sb.inodeLocation(ip.ino())[0]));
    }
    while (ip.bmbt.size() > need) {
      sb.freeMeta(ip.bmbt.remove(ip.bmbt.size() - 1));
    }
  }

  /**
   * One allocation call ({@code xfs_bmap_btalloc}): exactly at {@code target} if asked and free,
   * else near it in its AG if that AG has a long enough extent, else best fit by length in the
   * AG with the longest free extent. Returns {start, len} with {@code minlen <= len <= maxlen},
   * or null. Does not touch {@code m_fdblocks}; callers reserved the blocks.
   */
  static long @Nullable [] allocate(XfsSuperBlock sb, long target, long minlen, long maxlen,
      boolean exact) {
    long[] got = allocOnce(sb, target, minlen, maxlen, exact);
    if (got == null && !sb.busy.isEmpty() && !sb.cil.formatting()) {
      // xfs_extent_busy_flush: what is left is busy; force the log so it is free, try again.
      sb.count(Counter.BUSY_FLUSHES, 1);
      sb.logForce();
      got = allocOnce(sb, target, minlen, maxlen, exact);
    }
    return got;
  }

  private static long @Nullable [] allocOnce(XfsSuperBlock sb, long target, long minlen,
      long maxlen, boolean exact) {
    maxlen = Math.min(maxlen, ExtentMap.MAXEXTLEN);
    int tag = sb.agOf(target);
    long[] got = null;
    if (exact) {
      got = sb.ags.get(tag).allocExact(target, minlen, maxlen);
      if (got != null) {
        sb.count(Counter.ALLOC_GOAL_HITS, 1);
      }
    }
    if (got == null) {
      sb.count(Counter.AGS_SCANNED, 1);
      AllocGroup best = sb.ags.get(tag);
      if (best.longest() < maxlen) {
        for (int i = 1; i < sb.agcount; i++) {
          AllocGroup a = sb.ags.get((tag + i) % sb.agcount);
          sb.count(Counter.AGS_SCANNED, 1);
          if (a.longest() > best.longest()) {
            best = a;
          }
        }
      }
      got = best.agno == tag ? best.allocNear(target, minlen, maxlen)
          : best.allocBestFit(minlen, maxlen);
    }
    if (got != null) {
      sb.count(Counter.EXTENTS_CREATED, 1);
      sb.count(Counter.TRANSACTIONS, 1);
      sb.cil.dirtyAgf(sb.agOf(got[0]));
    }
    return got;
  }

  /**
   * As above, for file block {@code off} of {@code ip}: with a {@code policy=} mount option the
   * policy chooses among the AGs' free extents instead (told the goal, {@code target}); the
   * chosen extent is then taken from its AG like any other, busy extents included.
   */
  static long @Nullable [] allocate(XfsSuperBlock sb, XfsInode ip, long off, long target,
      long minlen, long maxlen, boolean exact) {
    if (sb.policy == null) {
      return sb.allocate(target, minlen, maxlen, exact);
    }
    long[] got = policyOnce(sb, ip, off, target, minlen, maxlen);
    if (got == null && !sb.busy.isEmpty() && !sb.cil.formatting()) {
      sb.count(Counter.BUSY_FLUSHES, 1);
      sb.logForce();
      got = policyOnce(sb, ip, off, target, minlen, maxlen);
    }
    return got;
  }

  private static long @Nullable [] policyOnce(XfsSuperBlock sb, XfsInode ip, long off,
      long target, long minlen, long maxlen) {
    maxlen = Math.min(maxlen, ExtentMap.MAXEXTLEN);
    Optional<BlockExtent> e = AllocationPolicies.choose(sb.policy, new AllocRequest(ip.ino(),
        off, maxlen, minlen, target, AgFreeSpace.mapped(ip)), new AgFreeSpace(sb.ags, sb.dblocks));
    if (e.isEmpty()) {
      return null;
    }
    long start = e.get().start();
    sb.ags.get(sb.agOf(start)).take(start, e.get().length());
    sb.count(Counter.ALLOC_GOAL_HITS, start == target ? 1 : 0);
    sb.count(Counter.EXTENTS_CREATED, 1);
    sb.count(Counter.TRANSACTIONS, 1);
    sb.cil.dirtyAgf(sb.agOf(start));
    return new long[] {start, e.get().length()};
  }

  /**
   * Returns blocks to free space: they are busy ({@link ExtentBusy}) until the checkpoint of
   * this transaction is on disk, and only then can the allocator hand them out again.
   */
  static void freeBlocks(XfsSuperBlock sb, long start, long len) {
    if (sb.policy != null) {
      sb.policy.freed(new BlockExtent(start, len));
    }
    int a = sb.agOf(start);
    sb.busy.add(start, len, sb.log.currentSeq(), false);
    sb.count(Counter.BLOCKS_FREED, len);
    sb.cil.dirtyAgf(a);
  }

  /** A checkpoint is on disk: the extents its transactions freed go back to the allocator. */
  static void busyDone(XfsSuperBlock sb, long seq) {
    for (ExtentBusy.Busy b : sb.busy.clear(seq)) {
      sb.count(Counter.FREE_EXTENTS_MERGED,
          sb.ags.get(sb.agOf(b.start())).free(b.start(), b.len()));
      if (b.meta()) {
        sb.cache.forget(b.start());
      }
    }
  }
}
