package org.vfsim.xfsish;

import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.alloc.AllocRequest;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.alloc.AllocationPolicy;
import org.vfsim.fs.alloc.BlockExtent;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.SimulatedClock;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.fs.Vfs;

/**
 * A mounted xfsish ({@code struct xfs_mount}): the AGs and their free space, the free-block
 * counter that delayed allocation reserves from ({@code m_fdblocks}), the allocator, the inodes,
 * and a model of the log: every transaction adds to the in-memory log (the CIL); a log force
 * (fsync, sync, the 30 s log worker, unmount) flushes the device, writes the log blocks and
 * stores the metadata image; sync and unmount also write the dirty metadata blocks in place.
 * All metadata changes happen under this object's monitor, which is never held while taking a
 * folio lock or an inode's {@code i_rwsem}.
 */
final class XfsSuperBlock extends org.vfsim.fs.SuperBlock implements ExtentMap.IndlenBank {
  static final long XFS_SB_MAGIC = 0x58465342L;
  /** Log worker period ({@code xfs_log_worker}, xfssyncd_centisecs). */
  static final Duration LOG_WORKER = Duration.ofSeconds(30);
  /** Background EOF-block scan period ({@code xfs_blockgc_secs}). */
  static final Duration BLOCKGC = Duration.ofSeconds(300);
  /** Log bytes one logged buffer costs (a dirty-region log item) and one transaction header. */
  static final int LOG_ITEM_BYTES = 128;
  static final int LOG_TX_BYTES = 32;

  final BlockDevice dev;
  final int bs;
  final long dblocks;
  final int agcount;
  final long agblocks;
  final int headerBlocks;
  final long logStart;
  final long logBlocks;
  private long logHead;
  private int agRotor;
  private final List<AllocGroup> ags;
  private final long[] nextAgino;
  private final Map<Long, XfsInode> inodes = new TreeMap<>();
  private final XfsInode root;
  private final ImageSlots slots;

  final long allocsizeBlocks;
  final boolean fixedAllocsize;
  final boolean unwrittenMode;
  final boolean genericWritePath;
  final Bmap bmap;
  /** A pluggable placement ({@code policy=NAME}), or null for XFS's own near/exact/size. */
  private final @Nullable AllocationPolicy policy;

  /** {@code m_fdblocks}: free blocks not reserved by delayed allocation. */
  private long fdblocks;
  private long resvData;
  private long resvInd;
  private final EnumMap<Counter, Long> counters = new EnumMap<>(Counter.class);
  private long cilBytes;
  private final TreeSet<Long> dirtyMeta = new TreeSet<>();
  private final List<SimulatedClock.Timer> timers = new ArrayList<>();

  XfsSuperBlock(MountContext ctx, XfsImage img, ImageSlots slots) {
    super(ctx);
    this.slots = slots;
    this.dev = ctx.device();
    this.bs = img.blockSize;
    this.dblocks = img.dblocks;
    this.agcount = img.agcount;
    this.agblocks = img.agblocks;
    this.headerBlocks = img.headerBlocks;
    this.logStart = img.logStart;
    this.logBlocks = img.logBlocks;
    this.logHead = img.logHead;
    this.agRotor = img.agRotor;
    this.ags = img.ags;
    this.nextAgino = img.nextAgino;
    for (Counter c : Counter.values()) {
      counters.put(c, 0L);
    }
    long allocsize = ctx.options().size("allocsize");
    this.fixedAllocsize = allocsize > 0;
    if (fixedAllocsize && (Long.bitCount(allocsize) != 1 || allocsize < bs || allocsize > (1L << 30))) {
      throw Errno.EINVAL.exception("allocsize must be a power of two from the block size to 1g");
    }
    this.allocsizeBlocks = (fixedAllocsize ? allocsize : 64 << 10) / bs;
    this.unwrittenMode = "unwritten".equals(ctx.options().text("alloc"));
    this.genericWritePath = "generic".equals(ctx.options().text("write_path"));
    this.policy = AllocationPolicies.forMountOption(ctx.options().text("policy"),
        XfsishType.class);
    this.bmap = new Bmap(this);
    for (XfsImage.Dinode d : img.inodes.values()) {
      inodes.put(d.ino, new XfsInode(this, d));
    }
    // Log recovery's unlinked-list processing: inodes with no links lose their blocks now.
    for (XfsInode ip : List.copyOf(inodes.values())) {
      if (ip.nlink() == 0) {
        bmap.freeRange(ip, 0, Long.MAX_VALUE / bs);
        inodes.remove(ip.ino());
      }
    }
    long free = 0;
    for (AllocGroup ag : ags) {
      free += ag.freeBlocks();
    }
    this.fdblocks = free;
    this.root = inodes.get(img.rootIno);
    SimulatedClock clock = ctx.machine().clock();
    timers.add(clock.scheduleAtFixedRate(LOG_WORKER, () -> {
      if (stillMounted()) {
        logForce();
      }
    }));
    timers.add(clock.scheduleAtFixedRate(BLOCKGC, () -> {
      if (stillMounted()) {
        blockgcScan(machine().kernelTask(), false, null);
      }
    }));
  }

  /** mkfs: the geometry and the empty AGs, with the root directory in AG 0. */
  static XfsImage mkfsImage(BlockDevice dev, int agcount) {
    int bs = dev.blockSize();
    if (Integer.bitCount(bs) != 1 || bs < 512 || bs > org.vfsim.pagecache.Folio.SIZE) {
      // As XFS on a 4 KiB-page machine: 512 bytes up to the page size.
      throw Errno.EINVAL.exception("xfsish block size must be a power of two from 512 to the"
          + " page size (4096): " + bs);
    }
    if (agcount < 1) {
      throw Errno.EINVAL.exception("agcount must be at least 1");
    }
    XfsImage img = new XfsImage();
    img.blockSize = dev.blockSize();
    img.dblocks = dev.blocks();
    img.agcount = agcount;
    img.agblocks = (img.dblocks + agcount - 1) / agcount;
    img.headerBlocks = 8;
    img.logBlocks = Math.max(64, Math.min(img.dblocks / 512, 65536));
    int logAg = agcount / 2;
    img.logStart = logAg * img.agblocks + img.headerBlocks;
    for (int a = 0; a < agcount; a++) {
      long start = a * img.agblocks;
      long len = Math.min(img.agblocks, img.dblocks - start);
      long minimum = img.headerBlocks + (a == logAg ? img.logBlocks : 0) + 16;
      if (len < minimum) {
        throw Errno.EINVAL.exception("AG " + a + " of " + len + " blocks is too small");
      }
      AllocGroup ag = new AllocGroup(a, start, len);
      long first = start + img.headerBlocks + (a == logAg ? img.logBlocks : 0);
      ag.free(first, start + len - first);
      img.ags.add(ag);
    }
    img.nextAgino = new long[agcount];
    java.util.Arrays.fill(img.nextAgino, 128);
    XfsImage.Dinode root = new XfsImage.Dinode();
    root.ino = 128;
    img.nextAgino[0] = 129;
    root.type = FileType.DIRECTORY;
    root.mode = 0755;
    root.nlink = 2;
    img.rootIno = 128;
    img.inodes.put(root.ino, root);
    return img;
  }

  private boolean stillMounted() {
    for (Vfs.Mount m : machine().vfs().mounts()) {
      if (m.sb() == this) {
        return true;
      }
    }
    for (SimulatedClock.Timer t : timers) {
      t.cancel();
    }
    return false;
  }

  @Override
  public Inode root() {
    return root;
  }

  @Override
  public int blockSize() {
    return bs;
  }

  // ---- inodes --------------------------------------------------------------------------------

  synchronized @Nullable XfsInode inode(long ino) {
    return inodes.get(ino);
  }

  /**
   * {@code xfs_dialloc}: a new inode number. Files go in their directory's AG; new directories
   * rotate across AGs ({@code m_agirotor}) so that directory trees spread out.
   */
  synchronized XfsInode newInode(XfsInode parent, FileType type, int mode) {
    int ag = type == FileType.DIRECTORY ? (agRotor++ % agcount) : parent.agno();
    long ino = ((long) ag << 32) | nextAgino[ag]++;
    XfsInode ip = new XfsInode(this, ino, type, mode);
    inodes.put(ino, ip);
    logTx(2, ag, ip);
    return ip;
  }

  synchronized void forget(XfsInode ip) {
    inodes.remove(ip.ino());
    logTx(2, ip.agno(), ip);
  }

  synchronized List<XfsInode> allInodes() {
    return List.copyOf(inodes.values());
  }

  // ---- space accounting ----------------------------------------------------------------------

  AllocGroup ag(int agno) {
    return ags.get(agno);
  }

  int agOf(long block) {
    return (int) Math.min(agcount - 1, block / agblocks);
  }

  synchronized long fdblocks() {
    return fdblocks;
  }

  /** Takes {@code n} blocks from {@code m_fdblocks}, or fails with ENOSPC ({@code xfs_dec_fdblocks}). */
  synchronized void decFdblocks(long n) {
    if (n > fdblocks) {
      throw Errno.ENOSPC.exception("need " + n + " blocks, " + fdblocks + " free");
    }
    fdblocks -= n;
  }

  synchronized void incFdblocks(long n) {
    fdblocks += n;
  }

  synchronized void reserved(long data, long ind) {
    resvData += data;
    resvInd += ind;
  }

  @Override
  public synchronized long take(long want) {
    long got = Math.min(want, fdblocks);
    fdblocks -= got;
    resvInd += got;
    count(Counter.DELALLOC_INDLEN_RESERVED, got);
    return got;
  }

  @Override
  public synchronized void give(long n) {
    fdblocks += n;
    resvInd -= n;
    count(Counter.INDLEN_RETURNED, n);
  }

  @Override
  public void split() {
    count(Counter.EXTENTS_SPLIT, 1);
  }

  @Override
  public void merged() {
    count(Counter.EXTENTS_MERGED, 1);
  }

  synchronized void count(Counter c, long n) {
    counters.merge(c, n, Long::sum);
  }

  synchronized long counter(Counter c) {
    return counters.get(c);
  }

  /** Free, delalloc-reserved (data + indlen) and used blocks; they always sum to {@link #dblocks}. */
  record Space(long free, long reservedData, long reservedIndlen, long used, long total) {}

  synchronized Space space() {
    long agFree = 0;
    for (AllocGroup ag : ags) {
      agFree += ag.freeBlocks();
    }
    return new Space(fdblocks, resvData, resvInd, dblocks - agFree, dblocks);
  }

  // ---- the allocator -------------------------------------------------------------------------

  /**
   * Fires {@link HookPoint#BLOCK_ALLOCATION} for one allocation call; false if fault injection
   * said there is no space. Called with the monitor not held.
   */
  boolean allocationHook(Task task) {
    count(Counter.ALLOC_CALLS, 1);
    try {
      machine().hooks().fire(HookPoint.BLOCK_ALLOCATION, task);
      return true;
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENOSPC) {
        return false;
      }
      throw e;
    }
  }

  /**
   * One allocation call ({@code xfs_bmap_btalloc}): exactly at {@code target} if asked and free,
   * else near it in its AG if that AG has a long enough extent, else best fit by length in the
   * AG with the longest free extent. Returns {start, len} with {@code minlen <= len <= maxlen},
   * or null. Does not touch {@code m_fdblocks}; callers reserved the blocks.
   */
  synchronized long @Nullable [] allocate(long target, long minlen, long maxlen, boolean exact) {
    maxlen = Math.min(maxlen, ExtentMap.MAXEXTLEN);
    int tag = agOf(target);
    long[] got = null;
    if (exact) {
      got = ags.get(tag).allocExact(target, minlen, maxlen);
      if (got != null) {
        count(Counter.ALLOC_GOAL_HITS, 1);
      }
    }
    if (got == null) {
      count(Counter.AGS_SCANNED, 1);
      AllocGroup best = ags.get(tag);
      if (best.longest() < maxlen) {
        for (int i = 1; i < agcount; i++) {
          AllocGroup a = ags.get((tag + i) % agcount);
          count(Counter.AGS_SCANNED, 1);
          if (a.longest() > best.longest()) {
            best = a;
          }
        }
      }
      got = best.agno == tag ? best.allocNear(target, minlen, maxlen)
          : best.allocBestFit(minlen, maxlen);
    }
    if (got != null) {
      count(Counter.EXTENTS_CREATED, 1);
      logTx(3, agOf(got[0]), null);
    }
    return got;
  }

  /**
   * As above, for file block {@code off} of {@code ip}: with a {@code policy=} mount option the
   * policy chooses among the AGs' free extents instead (told the goal, {@code target}); the
   * chosen extent is then taken from its AG like any other.
   */
  synchronized long @Nullable [] allocate(XfsInode ip, long off, long target, long minlen,
      long maxlen, boolean exact) {
    if (policy == null) {
      return allocate(target, minlen, maxlen, exact);
    }
    maxlen = Math.min(maxlen, ExtentMap.MAXEXTLEN);
    Optional<BlockExtent> e = AllocationPolicies.choose(policy, new AllocRequest(ip.ino(), off,
        maxlen, minlen, target, AgFreeSpace.mapped(ip)), new AgFreeSpace(ags, dblocks));
    if (e.isEmpty()) {
      return null;
    }
    long start = e.get().start();
    ags.get(agOf(start)).take(start, e.get().length());
    count(Counter.ALLOC_GOAL_HITS, start == target ? 1 : 0);
    count(Counter.EXTENTS_CREATED, 1);
    logTx(3, agOf(start), null);
    return new long[] {start, e.get().length()};
  }

  /** Returns blocks to their AG's free space. */
  synchronized void freeBlocks(long start, long len) {
    if (policy != null) {
      policy.freed(new BlockExtent(start, len));
    }
    int a = agOf(start);
    count(Counter.FREE_EXTENTS_MERGED, ags.get(a).free(start, len));
    count(Counter.BLOCKS_FREED, len);
    logTx(3, a, null);
  }

  // ---- the log model -------------------------------------------------------------------------

  /**
   * A transaction commit into the CIL: {@code buffers} logged buffers (AGF, free-space btree
   * blocks, the inode and its bmbt blocks), and their home blocks become dirty metadata.
   */
  synchronized void logTx(int buffers, int agno, @Nullable XfsInode ip) {
    count(Counter.TRANSACTIONS, 1);
    cilBytes += LOG_TX_BYTES + (long) buffers * LOG_ITEM_BYTES;
    long agStart = ags.get(agno).agStart;
    dirtyMeta.add(agStart + 1); // AGF
    if (buffers >= 3) {
      dirtyMeta.add(agStart + 2); // bnobt
      dirtyMeta.add(agStart + 3); // cntbt
    }
    if (ip != null) {
      ip.timestampsLogged();
      long ipAg = ags.get(ip.agno()).agStart;
      dirtyMeta.add(ipAg + 4 + (ip.ino() & 0xffffffffL) / 32 % 4); // inode cluster
      int bmbt = ip.bmbtBlocks();
      for (int i = 0; i < bmbt; i++) {
        dirtyMeta.add(ipAg + 4 + i % 4); // bmbt blocks, in the AG's metadata area
      }
    }
  }

  /**
   * {@code xfs_log_force}: makes everything committed so far durable - a cache flush (the log
   * write is REQ_PREFLUSH | REQ_FUA), the log blocks, and the metadata image. Returns whether
   * there was anything to write.
   */
  boolean logForce() {
    return logForce(true);
  }

  /**
   * A log force that, with {@code timestampsSuffice} false (fdatasync), does nothing when the
   * only uncommitted changes are timestamp updates.
   */
  boolean logForce(boolean timestampsSuffice) {
    synchronized (this) {
      if (cilBytes == 0 && !timestampsSuffice) {
        return false;
      }
      logTimestampUpdates();
      if (cilBytes == 0) {
        return false;
      }
      dev.flush();
      long n = (cilBytes + bs - 1) / bs;
      long left = n;
      while (left > 0) {
        long chunk = Math.min(left, logBlocks - logHead);
        dev.writeMetadata(logStart + logHead, chunk, true);
        logHead = (logHead + chunk) % logBlocks;
        left -= chunk;
      }
      count(Counter.LOG_FORCES, 1);
      count(Counter.LOG_BLOCKS_WRITTEN, n);
      cilBytes = 0;
      storeImage();
      return true;
    }
  }

  /**
   * {@code xfs_vn_update_time}: every mtime/ctime change is a transaction logging the inode core.
   * They are committed here, just before the CIL is written, rather than at each syscall: the
   * log ends up holding the same thing, and a burst of writes to one inode between two forces
   * costs one inode item, as relogging an inode already in the CIL does.
   */
  private void logTimestampUpdates() {
    for (XfsInode ip : inodes.values()) {
      if (ip.timestampsUnlogged()) {
        logTx(1, ip.agno(), ip);
      }
    }
  }

  /** The AIL push: dirty metadata blocks written in place, then flushed. */
  synchronized void pushAil() {
    for (long b : dirtyMeta) {
      dev.writeMetadata(b, 1, false);
    }
    count(Counter.METADATA_BLOCKS_WRITTEN, dirtyMeta.size());
    dirtyMeta.clear();
    storeImage();
    dev.flush();
  }

  /** Commits the on-disk image (the interim format: the whole image at every commit). */
  synchronized void storeImage() {
    slots.commit(image());
  }

  /** What a commit now would make durable: geometry, AGs and every inode's dinode. */
  synchronized XfsImage image() {
    XfsImage img = new XfsImage();
    img.blockSize = bs;
    img.dblocks = dblocks;
    img.agcount = agcount;
    img.agblocks = agblocks;
    img.headerBlocks = headerBlocks;
    img.logStart = logStart;
    img.logBlocks = logBlocks;
    img.logHead = logHead;
    img.agRotor = agRotor;
    img.rootIno = root.ino();
    img.ags = ags;
    img.nextAgino = nextAgino;
    for (XfsInode ip : inodes.values()) {
      img.inodes.put(ip.ino(), ip.toDinode());
    }
    return img;
  }

  @Override
  public void syncFs(Task task) {
    logForce();
    pushAil();
  }

  @Override
  public void unmount(Task task) {
    for (XfsInode ip : allInodes()) {
      if (ip.nlink() == 0) {
        bmap.freeRange(ip, 0, Long.MAX_VALUE / bs);
        forget(ip);
      }
    }
    logForce();
    pushAil();
    for (SimulatedClock.Timer t : timers) {
      t.cancel();
    }
  }

  // ---- EOF block trimming --------------------------------------------------------------------

  /**
   * The blockgc scan ({@code xfs_blockgc_free_space}): frees post-EOF blocks of every file that
   * may lose them. The background scan skips files with dirty pages; both skip files whose
   * {@code i_rwsem} is busy (a write in flight owns its post-EOF reservation) and fallocated
   * files. {@code self} is a file whose {@code i_rwsem} the caller already holds.
   */
  long blockgcScan(Task task, boolean sync, @Nullable XfsInode self) {
    count(Counter.BLOCKGC_RUNS, 1);
    long freed = 0;
    for (XfsInode ip : allInodes()) {
      if (ip.isDirectory() || ip.preallocFlag()) {
        continue;
      }
      if (!sync && ip.mapping().nrDirty() > 0) {
        continue;
      }
      if (ip == self) {
        freed += bmap.freeEofBlocks(ip);
        continue;
      }
      if (!ip.rwsem().tryLock(task)) {
        continue;
      }
      try {
        freed += bmap.freeEofBlocks(ip);
      } finally {
        ip.rwsem().unlock(task);
      }
    }
    return freed;
  }

  // ---- reporting -----------------------------------------------------------------------------

  @Override
  public synchronized StatFs statfs() {
    return new StatFs(XFS_SB_MAGIC, bs, dblocks, fdblocks, fdblocks, inodes.size() + 1_000_000L,
        1_000_000L, 255);
  }

  @Override
  public synchronized ImmutableMap<String, Long> counters() {
    ImmutableMap.Builder<String, Long> b = ImmutableMap.builder();
    counters.forEach((c, v) -> b.put(c.key(), v));
    Space s = space();
    b.put("delalloc_outstanding_blocks", s.reservedData());
    b.put("delalloc_outstanding_indlen", s.reservedIndlen());
    b.put("free_blocks", s.free());
    b.put("used_blocks", s.used());
    b.put("total_blocks", s.total());
    return b.buildOrThrow();
  }

  @Override
  public synchronized List<long[]> freeSpaceExtents() {
    List<long[]> out = new ArrayList<>();
    for (AllocGroup ag : ags) {
      out.addAll(ag.extents());
    }
    return out;
  }

  @Override
  public synchronized long allocatedDataBytes() {
    long n = 0;
    for (XfsInode ip : inodes.values()) {
      n += ip.realBlocks();
    }
    return n * bs;
  }

  /**
   * xfs_repair in miniature: each AG's two free-space indexes agree; no block is both free and
   * mapped, or mapped twice; static metadata, free and mapped blocks cover the device exactly;
   * {@code m_fdblocks} equals free minus the delayed reservations, and those equal the sum of the
   * delayed records; records are well formed and merged where XFS would have merged them.
   */
  @Override
  public synchronized FsckReport fsck() {
    FsckReport.Builder r = new FsckReport.Builder();
    long agFree = 0;
    TreeMap<Long, String> owner = new TreeMap<>();
    for (AllocGroup ag : ags) {
      ag.check(r);
      agFree += ag.freeBlocks();
      for (long[] e : ag.extents()) {
        owner.put(e[0], "free:" + e[1]);
      }
    }
    long mapped = 0;
    long delay = 0;
    long indlen = 0;
    Map<Long, long[]> physical = new TreeMap<>();
    for (XfsInode ip : inodes.values()) {
      long ipDelay = 0;
      ExtentMap.Irec prev = null;
      for (ExtentMap.Irec e : ip.extents().all()) {
        r.check(e.len() <= ExtentMap.MAXEXTLEN, "ino %d: record %s longer than MAXEXTLEN", ip.ino(), e);
        r.check(prev == null || prev.end() <= e.off(), "ino %d: records %s and %s overlap", ip.ino(), prev, e);
        r.check(prev == null || !ExtentMap.mergeable(prev, e), "ino %d: records %s and %s not merged",
            ip.ino(), prev, e);
        if (e.isDelay()) {
          ipDelay += e.len();
          indlen += e.indlen();
        } else {
          mapped += e.len();
          r.check(e.start() >= 0 && e.start() + e.len() <= dblocks, "ino %d: %s past the device", ip.ino(), e);
          long[] clash = physical.put(e.start(), new long[] {e.len(), ip.ino()});
          r.check(clash == null, "ino %d: block %d mapped twice", ip.ino(), e.start());
        }
        prev = e;
      }
      delay += ipDelay;
      r.check(ipDelay == ip.delayedBlocks(), "ino %d: i_delayed_blks %d but delayed records sum to %d",
          ip.ino(), ip.delayedBlocks(), ipDelay);
    }
    // Mapped extents must overlap neither each other nor free space.
    long prevEnd = -1;
    long prevIno = -1;
    for (Map.Entry<Long, long[]> e : physical.entrySet()) {
      r.check(e.getKey() >= prevEnd, "block %d mapped by ino %d and ino %d", e.getKey(),
          e.getValue()[1], prevIno);
      AllocGroup ag = ags.get(agOf(e.getKey()));
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
    long staticMeta = (long) agcount * headerBlocks + logBlocks;
    r.check(agFree + mapped + staticMeta == dblocks,
        "space: %d free + %d mapped + %d static metadata != %d blocks", agFree, mapped, staticMeta,
        dblocks);
    r.check(delay == resvData, "delalloc data reservation %d but delayed records sum to %d",
        resvData, delay);
    r.check(indlen == resvInd, "indlen reservation %d but delayed records carry %d", resvInd, indlen);
    r.check(fdblocks == agFree - resvData - resvInd,
        "fdblocks %d != %d free - %d reserved data - %d reserved indlen", fdblocks, agFree,
        resvData, resvInd);
    r.check(fdblocks >= 0, "fdblocks negative: %d", fdblocks);
    return r.build();
  }
}
