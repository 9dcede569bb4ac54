package org.vfsim.xfsish;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.Errno;

/**
 * Inode allocation ({@code xfs_ialloc.c}): 64-inode chunks in each AG's inobt, which inode a
 * new file gets, where a dinode lives, and freeing one. Every method runs under the
 * superblock's monitor, as the AGI buffer lock serialises XFS's.
 */
final class XfsIalloc {
  private final XfsSuperBlock sb;
  /** {@code m_agirotor}: the AG the next new directory goes to. */
  private int agRotor;

  XfsIalloc(XfsSuperBlock sb) {
    this.sb = sb;
  }

  /**
   * {@code xfs_dialloc}: a new inode. Files go in their directory's AG; new directories rotate
   * across AGs ({@code m_agirotor}) so that directory trees spread out. A free inode in an
   * existing chunk is reused, lowest first; otherwise a new 64-inode chunk is allocated near
   * the start of the AG ({@code xfs_ialloc_ag_alloc}), or ENOSPC.
   */
  XfsInode newInode(XfsInode parent, FileType type, int mode) {
    int first = type == FileType.DIRECTORY ? (agRotor++ % sb.agcount) : parent.agno();
    Map.Entry<Long, long[]> chunk = null;
    int ag = first;
    // xfs_dialloc: a free inode or a new chunk in the preferred AG, else in the next ones.
    for (int i = 0; i < sb.agcount && chunk == null; i++) {
      ag = (first + i) % sb.agcount;
      chunk = freeInodeChunk(ag);
    }
    if (chunk == null) {
      throw Errno.ENOSPC.exception("no space for an inode chunk");
    }
    long[] c = chunk.getValue();
    int slot = Long.numberOfTrailingZeros(c[1]);
    c[1] &= ~(1L << slot);
    long ino = ((long) ag << 32) | (chunk.getKey() + slot);
    XfsInode ip = new XfsInode(sb, ino, type, mode);
    sb.inodes.put(ino, ip);
    sb.touched.add(ip);
    sb.cil.dirtyAgi(ag);
    sb.logTx(2, ag, ip);
    return ip;
  }

  /**
   * A chunk of AG {@code ag} with a free inode: an existing one, or a new 64-inode chunk near
   * the start of the AG ({@code xfs_ialloc_ag_alloc}); null if the AG has no room for one.
   */
  private Map.@Nullable Entry<Long, long[]> freeInodeChunk(int ag) {
    AllocGroup a = sb.ags.get(ag);
    for (Map.Entry<Long, long[]> c : a.chunks.entrySet()) {
      if (c.getValue()[1] != 0) {
        return c;
      }
    }
    long cb = XfsMount.chunkBlocks(sb.bs);
    if (sb.fdblocks() < cb) {
      return null; // a new chunk is charged to m_fdblocks: the set-aside is for other metadata
    }
    long[] got = sb.allocInAg(a, a.agStart + sb.headerBlocks, cb);
    if (got == null) {
      return null;
    }
    sb.takeMeta(cb);
    long start = sb.nextAgino[ag];
    sb.nextAgino[ag] += InodeBuf.INODES_PER_CHUNK;
    a.chunks.put(start, new long[] {got[0], -1L});
    for (long k = 0; k < cb; k++) {
      sb.cil.newBlock(got[0] + k);
    }
    for (int i = 0; i < InodeBuf.INODES_PER_CHUNK; i++) {
      sb.cil.dirtyIno(((long) ag << 32) | (start + i));
    }
    return a.chunks.floorEntry(start);
  }

  /** Whether a new inode needs a new chunk: no chunk in any AG has a free inode. */
  boolean needsInodeChunk() {
    for (AllocGroup a : sb.ags) {
      for (long[] c : a.chunks.values()) {
        if (c[1] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** The inode's dinode: {block, byte offset in it}, from its chunk in the inobt. */
  long[] inodeLocation(long ino) {
    AllocGroup a = sb.ags.get((int) (ino >>> 32));
    long agino = ino & 0xffffffffL;
    Map.Entry<Long, long[]> c = a.chunks.floorEntry(agino);
    long idx = agino - c.getKey();
    long byteOff = idx * InodeBuf.ISIZE;
    return new long[] {c.getValue()[0] + byteOff / sb.bs, byteOff % sb.bs};
  }

  /** The inode is gone: its dinode becomes free, its bmbt and directory blocks are freed. */
  void forget(XfsInode ip) {
    if (sb.inodes.remove(ip.ino()) == null) {
      return;
    }
    sb.touched.remove(ip);
    for (long b : ip.bmbt) {
      sb.freeMeta(b);
    }
    ip.bmbt.clear();
    if (ip.dir != null) {
      for (long b : ip.dir.blocks) {
        sb.freeMeta(b);
      }
      ip.dir = null;
    }
    AllocGroup a = sb.ags.get(ip.agno());
    long agino = ip.ino() & 0xffffffffL;
    Map.Entry<Long, long[]> c = a.chunks.floorEntry(agino);
    c.getValue()[1] |= 1L << (agino - c.getKey());
    sb.cil.dirtyAgi(ip.agno());
    if (c.getValue()[1] == -1L && !sb.ikeep) {
      freeChunk(a, c.getKey(), c.getValue()[0]);
    } else {
      sb.cil.dirtyIno(ip.ino());
    }
    sb.count(Counter.TRANSACTIONS, 1);
  }

  /**
   * {@code xfs_difree_inode_chunk}: the chunk's last inode was freed, so its inobt record goes
   * and its blocks return to free space, busy until the checkpoint that carries this freeing
   * (the same one as the inode free, so a crash keeps either the chunk or neither) is on disk.
   * Its dinodes are not logged any more: the blocks are cancelled in the log.
   */
  private void freeChunk(AllocGroup a, long start, long block) {
    a.chunks.remove(start);
    long first = ((long) a.agno << 32) | start;
    sb.cil.dropInodes(first, first + InodeBuf.INODES_PER_CHUNK);
    long cb = XfsMount.chunkBlocks(sb.bs);
    for (long k = 0; k < cb; k++) {
      sb.freeMeta(block + k);
    }
  }
}
