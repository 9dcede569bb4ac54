package org.vfsim.xfsish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.vfsim.block.IoKind;
import org.vfsim.fs.FsckReport;
import org.vfsim.syscall.ErrnoException;

/**
 * {@code xfs_repair -n} in miniature, on what is on the device (and in the log's buffers not
 * yet written home): every metadata block verifies (a bad one is named), the trees agree with
 * each other and with the in-core model, and the free-space trees are exactly the complement
 * of everything in use - AG headers, the log, btree blocks, inode chunks, bmbt and directory
 * blocks, and file extents.
 */
final class XfsRepair {
  private XfsRepair() {}

  /**
   * The in-core model on its own: each AG's two free-space indexes agree; extent records are
   * well formed and merged where XFS would have merged them; no block is both free and mapped,
   * or mapped twice; {@code m_fdblocks} equals free (and busy) minus the delayed reservations
   * and the set-aside, and those equal the sum of the delayed records.
   */
  static void checkInCore(XfsSuperBlock sb, FsckReport.Builder r) {
    long agFree = 0;
    for (int a = 0; a < sb.agcount; a++) {
      sb.ag(a).check(r);
      agFree += sb.ag(a).freeBlocks();
    }
    long mapped = 0;
    long delay = 0;
    long indlen = 0;
    Map<Long, long[]> physical = new TreeMap<>();
    for (XfsInode ip : sb.allInodes()) {
      long ipDelay = 0;
      ExtentMap.Irec prev = null;
      for (ExtentMap.Irec e : ip.extents().all()) {
        r.check(e.len() <= ExtentMap.MAXEXTLEN, "ino %d: record %s longer than MAXEXTLEN",
            ip.ino(), e);
        r.check(prev == null || prev.end() <= e.off(), "ino %d: records %s and %s overlap",
            ip.ino(), prev, e);
        r.check(prev == null || !ExtentMap.mergeable(prev, e),
            "ino %d: records %s and %s not merged", ip.ino(), prev, e);
        if (e.isDelay()) {
          ipDelay += e.len();
          indlen += e.indlen();
        } else {
          mapped += e.len();
          r.check(e.start() >= 0 && e.start() + e.len() <= sb.dblocks,
              "ino %d: %s past the device", ip.ino(), e);
          long[] clash = physical.put(e.start(), new long[] {e.len(), ip.ino()});
          r.check(clash == null, "ino %d: block %d mapped twice", ip.ino(), e.start());
        }
        prev = e;
      }
      delay += ipDelay;
      r.check(ipDelay == ip.delayedBlocks(),
          "ino %d: i_delayed_blks %d but delayed records sum to %d", ip.ino(),
          ip.delayedBlocks(), ipDelay);
    }
    // Mapped extents must overlap neither each other nor free space.
    long prevEnd = -1;
    long prevIno = -1;
    for (Map.Entry<Long, long[]> e : physical.entrySet()) {
      r.check(e.getKey() >= prevEnd, "block %d mapped by ino %d and ino %d", e.getKey(),
          e.getValue()[1], prevIno);
      AllocGroup ag = sb.ag(sb.agOf(e.getKey()));
      for (long[] f : ag.extents()) {
        if (f[0] < e.getKey() + e.getValue()[0] && e.getKey() < f[0] + f[1]) {
          r.problem("blocks %d+%d of ino %d are also free (%d+%d)", e.getKey(), e.getValue()[0],
              e.getValue()[1], f[0], f[1]);
          break;
        }
      }
      prevEnd = Math.max(prevEnd, e.getKey() + e.getValue()[0]);
      prevIno = e.getValue()[1];
    }
    XfsSuperBlock.Space sp = sb.space();
    long resvData = sp.reservedData();
    long resvInd = sp.reservedIndlen();
    long fdblocks = sp.free();
    long setAside = sb.setAside();
    long busy = sb.busy.blocks();
    r.check(delay == resvData, "delalloc data reservation %d but delayed records sum to %d",
        resvData, delay);
    r.check(indlen == resvInd, "indlen reservation %d but delayed records carry %d", resvInd,
        indlen);
    r.check(fdblocks == agFree + busy - resvData - resvInd - setAside,
        "fdblocks %d != %d free + %d busy - %d reserved data - %d reserved indlen - %d set aside",
        fdblocks, agFree, busy, resvData, resvInd, setAside);
    r.check(fdblocks >= -setAside, "fdblocks below the set-aside: %d", fdblocks);
  }

  /** One claim on a range of blocks. */
  private record Claim(long start, long len, String who) {}

  static void check(XfsSuperBlock sb, FsckReport.Builder r) {
    XfsMount.Loaded d = new XfsMount.Loaded();
    d.bs = sb.bs;
    d.dblocks = sb.dblocks;
    d.agcount = sb.agcount;
    d.agblocks = sb.agblocks;
    // Blocks the AIL has not written home are read from the cache; the rest from the device,
    // so that damage on the media is seen even when a clean copy is cached.
    d.reader = (b, what) -> {
      if (b < 0 || b >= sb.dblocks) {
        throw XfsBuf.corrupt(b, what, "is outside the device");
      }
      if (sb.cache.isDirty(b)) {
        return XfsMount.read(sb.cache, b, what);
      }
      byte[] out = new byte[sb.bs];
      sb.dev.read(b, out, 0, 1, IoKind.METADATA);
      return out;
    };
    try {
      XfsMount.readAgs(d);
    } catch (ErrnoException e) {
      r.problem("%s", e.getMessage());
      return;
    }
    List<Claim> claims = new ArrayList<>();
    for (int a = 0; a < sb.agcount; a++) {
      AllocGroup disk = d.ags.get(a);
      AllocGroup mem = sb.ag(a);
      claims.add(new Claim(disk.agStart, XfsMount.HEADER_BLOCKS, "AG " + a + " headers"));
      r.check(disk.bno.equals(sb.cil.onDiskFree(mem)),
          "AG %d: the bnobt on disk differs from the free space in core", a);
      disk.bno.forEach((s, l) -> claims.add(new Claim(s, l, "free space")));
      for (long b : disk.bnoBlocks) {
        claims.add(new Claim(b, 1, "AG " + a + " bnobt"));
      }
      for (long b : disk.cntBlocks) {
        claims.add(new Claim(b, 1, "AG " + a + " cntbt"));
      }
      for (long b : disk.inoBlocks) {
        claims.add(new Claim(b, 1, "AG " + a + " inobt"));
      }
      r.check(disk.bnoBlocks.equals(mem.bnoBlocks) && disk.cntBlocks.equals(mem.cntBlocks)
          && disk.inoBlocks.equals(mem.inoBlocks), "AG %d: btree blocks on disk %s/%s/%s, in"
          + " core %s/%s/%s", a, disk.bnoBlocks, disk.cntBlocks, disk.inoBlocks, mem.bnoBlocks,
          mem.cntBlocks, mem.inoBlocks);
      r.check(d.nextAgino[a] == sb.nextAgino[a], "AG %d: AGI next inode %d, in core %d", a,
          d.nextAgino[a], sb.nextAgino[a]);
      for (Map.Entry<Long, long[]> c : disk.chunks.entrySet()) {
        claims.add(new Claim(c.getValue()[0], XfsMount.chunkBlocks(sb.bs),
            "AG " + a + " inode chunk " + c.getKey()));
        long[] m = mem.chunks.get(c.getKey());
        r.check(m != null && m[0] == c.getValue()[0] && m[1] == c.getValue()[1],
            "AG %d: inobt record for chunk %d differs from the in-core one", a, c.getKey());
      }
      r.check(disk.chunks.size() == mem.chunks.size(), "AG %d: %d chunks on disk, %d in core",
          a, disk.chunks.size(), mem.chunks.size());
    }
    claims.add(new Claim(sb.logStart, sb.logBlocks, "log"));
    Map<Long, InodeBuf.Dinode> onDisk = new HashMap<>();
    for (InodeBuf.Dinode di : d.inodes) {
      onDisk.put(di.ino, di);
      for (long b : di.bmbtBlocks) {
        claims.add(new Claim(b, 1, "ino " + di.ino + " bmbt"));
      }
      for (long b : di.dirBlocks) {
        claims.add(new Claim(b, 1, "ino " + di.ino + " directory block"));
      }
      for (ExtentMap.Irec e : di.extents.all()) {
        claims.add(new Claim(e.start(), e.len(), "ino " + di.ino));
      }
    }
    for (XfsInode ip : sb.allInodes()) {
      InodeBuf.Dinode di = onDisk.remove(ip.ino());
      if (di == null) {
        r.problem("ino %d: not on disk", ip.ino());
        continue;
      }
      InodeBuf.Dinode m = ip.toDinode();
      r.check(di.type == m.type && di.mode == m.mode && di.nlink == m.nlink
          && di.size == m.size && di.uid == m.uid && di.gid == m.gid
          && di.preallocFlag == m.preallocFlag, "ino %d: core on disk differs from in core",
          ip.ino());
      r.check(di.extents.all().equals(m.extents.all()),
          "ino %d: extents on disk %s, in core %s", ip.ino(), di.extents.all(), m.extents.all());
      r.check(di.bmbtBlocks.equals(m.bmbtBlocks) && di.dirBlocks.equals(m.dirBlocks),
          "ino %d: bmbt/directory blocks on disk %s/%s, in core %s/%s", ip.ino(),
          di.bmbtBlocks, di.dirBlocks, m.bmbtBlocks, m.dirBlocks);
      r.check(Objects.equals(di.entries, m.entries), "ino %d: entries on disk differ",
          ip.ino());
    }
    for (long ino : onDisk.keySet()) {
      r.problem("ino %d: in use on disk, unknown in core", ino);
    }
    // Every block is claimed exactly once.
    claims.sort(Comparator.comparingLong(Claim::start));
    long end = 0;
    String last = "nothing";
    for (Claim c : claims) {
      if (c.start() < end) {
        r.problem("block %d claimed by %s and %s", c.start(), last, c.who());
      } else if (c.start() > end) {
        r.problem("blocks %d-%d neither free nor in use (leaked)", end, c.start() - 1);
      }
      if (c.start() + c.len() > end) {
        end = c.start() + c.len();
        last = c.who();
      }
    }
    r.check(end == sb.dblocks, "blocks %d-%d neither free nor in use (leaked)", end,
        sb.dblocks - 1);
  }
}
