package org.vfsim.xfsish;

import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.alloc.AllocationPolicy;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.SimulatedClock;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.fs.Vfs;

/**
 * A mounted xfsish ({@code struct xfs_mount}): the AGs and their free space, the free-block
 * counter that delayed allocation reserves from ({@code m_fdblocks}), the allocator, the inodes,
 * and the log: a transaction marks what it changed dirty in the CIL ({@link Cil}); a log force
 * (fsync, sync, the 30 s log worker, unmount, a full CIL) formats the dirty items into buffer
 * images and writes them as one checkpoint ({@link XfsLog}); the buffers go home later (AIL
 * push). All metadata changes happen under this object's monitor, which is never held while
 * taking a folio lock or an inode's {@code i_rwsem}.
 */
final class XfsSuperBlock extends org.vfsim.fs.SuperBlock implements ExtentMap.IndlenBank {
  static final long XFS_SB_MAGIC = 0x58465342L;
  /** Log worker period ({@code xfs_log_worker}, xfssyncd_centisecs). */
  static final Duration LOG_WORKER = Duration.ofSeconds(30);
  /** Background EOF-block scan period ({@code xfs_blockgc_secs}). */
  static final Duration BLOCKGC = Duration.ofSeconds(300);

  final BlockDevice dev;
  final BufferCache cache;
  final XfsLog log;
  final ExtentBusy busy = new ExtentBusy();
  final Cil cil;
  final int bs;
  final long dblocks;
  final int agcount;
  final long agblocks;
  final int headerBlocks;
  final long logStart;
  final long logBlocks;
  final List<AllocGroup> ags;
  final long[] nextAgino;
  final Map<Long, XfsInode> inodes = new TreeMap<>();
  private final XfsInode root;

  final long allocsizeBlocks;
  final boolean fixedAllocsize;
  /** The {@code ikeep} mount option: inode chunks are never freed. */
  final boolean ikeep;
  final boolean unwrittenMode;
  final boolean genericWritePath;
  final Bmap bmap;
  final XfsIalloc ialloc = new XfsIalloc(this);
  /** A pluggable placement ({@code policy=NAME}), or null for XFS's own near/exact/size. */
  final @Nullable AllocationPolicy policy;

  /** {@code m_fdblocks}: free blocks not reserved by delayed allocation. */
  long fdblocks;
  private long resvData;
  private long resvInd;
  final EnumMap<Counter, Long> counters = new EnumMap<>(Counter.class);
  private final List<SimulatedClock.Timer> timers = new ArrayList<>();
  /** Inodes whose times may have moved since the last log force ({@link #touched}). */
  final java.util.Set<XfsInode> touched = new java.util.LinkedHashSet<>();
  final LogRecovery.Result recovery;

  XfsSuperBlock(MountContext ctx, XfsMount.Loaded l) {
    super(ctx);
    this.dev = ctx.device();
    this.cache = l.cache;
    this.log = l.log;
    this.recovery = l.recovery;
    this.bs = l.bs;
    this.dblocks = l.dblocks;
    this.agcount = l.agcount;
    this.agblocks = l.agblocks;
    this.headerBlocks = XfsMount.HEADER_BLOCKS;
    this.logStart = l.logStart;
    this.logBlocks = l.logBlocks;
    this.ags = l.ags;
    this.nextAgino = l.nextAgino;
    this.cil = new Cil(this);
    for (Counter c : Counter.values()) {
      counters.put(c, 0L);
    }
    long allocsize = ctx.options().size("allocsize");
    this.fixedAllocsize = allocsize > 0;
    if (fixedAllocsize && (Long.bitCount(allocsize) != 1 || allocsize < bs || allocsize > (1L << 30))) {
      throw Errno.EINVAL.exception("allocsize must be a power of two from the block size to 1g");
    }
    this.allocsizeBlocks = (fixedAllocsize ? allocsize : 64 << 10) / bs;
    this.ikeep = ctx.options().flag("ikeep");
    this.unwrittenMode = "unwritten".equals(ctx.options().text("alloc"));
    this.genericWritePath = "generic".equals(ctx.options().text("write_path"));
    this.policy = AllocationPolicies.forMountOption(ctx.options().text("policy"),
        XfsishType.class);
    this.bmap = new Bmap(this);
    for (InodeBuf.Dinode d : l.inodes) {
      inodes.put(d.ino, new XfsInode(this, d));
    }
    long free = 0;
    for (AllocGroup ag : ags) {
      free += ag.freeBlocks();
    }
    this.fdblocks = free - setAside();
    this.root = inodes.get(l.rootIno);
    if (root == null || !root.isDirectory()) {
      throw Errno.EUCLEAN.exception("xfsish: no root directory (inode " + l.rootIno + ")");
    }
    // No path walk looks the root up: it is always looked at.
    touched.add(root);
    // Log recovery's unlinked-list processing: inodes with no links lose their blocks now.
    for (XfsInode ip : List.copyOf(inodes.values())) {
      if (ip.nlink() == 0) {
        bmap.freeRange(ip, 0, Long.MAX_VALUE / bs);
        forget(ip);
      }
    }
    SimulatedClock clock = ctx.machine().clock();
    timers.add(clock.scheduleAtFixedRate(LOG_WORKER, () -> {
      if (stillMounted()) {
        logForce();
      }
    }));
    timers.add(clock.scheduleAtFixedRate(BLOCKGC, () -> {
      if (stillMounted()) {
        XfsIcache.blockgcScan(this, machine().kernelTask(), false, null);
      }
    }));
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

  /** {@code xfs_dialloc}: see {@link XfsIalloc#newInode}. */
  synchronized XfsInode newInode(XfsInode parent, FileType type, int mode) {
    return ialloc.newInode(parent, type, mode);
  }

  synchronized boolean needsInodeChunk() {
    return ialloc.needsInodeChunk();
  }

  /**
   * {@code xfs_trans_reserve}'s block reservation: a transaction that may take up to {@code n}
   * new blocks starts only if {@code m_fdblocks} (not the set-aside) holds them, so that it
   * fails with ENOSPC before changing anything rather than half-way through. Called with the
   * monitor held, so no other transaction can take the blocks before this one allocates them.
   */
  synchronized void transReserve(long n, String what) {
    if (n > 0 && fdblocks < n) {
      throw Errno.ENOSPC.exception("xfsish: " + what + " needs up to " + n + " blocks, "
          + Math.max(0, fdblocks) + " free");
    }
  }

  synchronized long[] inodeLocation(long ino) {
    return ialloc.inodeLocation(ino);
  }

  synchronized void forget(XfsInode ip) {
    ialloc.forget(ip);
  }

  synchronized List<XfsInode> allInodes() {
    return List.copyOf(inodes.values());
  }

  synchronized int inodeCount() {
    return inodes.size();
  }

  // ---- metadata blocks -----------------------------------------------------------------------

  /**
   * XFS_ALLOC_SET_ASIDE: blocks kept out of {@code m_fdblocks} so that metadata (bmbt, btree
   * and directory blocks a transaction was not charged for) always finds space.
   */
  long setAside() {
    return 4L + 4L * agcount;
  }

  /** Charges {@code n} metadata blocks to {@code m_fdblocks}, which may dip into the set-aside. */
  synchronized void takeMeta(long n) {
    if (fdblocks - n < -setAside()) {
      throw Errno.ENOSPC.exception("no space for " + n + " metadata blocks");
    }
    fdblocks -= n;
  }

  /** See {@link XfsAlloc#allocInAg}. */
  synchronized long @Nullable [] allocInAg(AllocGroup a, long target, long len) {
    return XfsAlloc.allocInAg(this, a, target, len);
  }

  /** One metadata block in AG {@code agno} near {@code target}, charged to {@code m_fdblocks}. */
  synchronized long allocMeta(int agno, long target) {
    return XfsAlloc.allocMeta(this, agno, target);
  }

  /** One metadata block in its own AG (a btree block the AG owns), or ENOSPC. */
  synchronized long allocAgMeta(AllocGroup a) {
    return XfsAlloc.allocAgMeta(this, a);
  }

  /** Frees a metadata block: see {@link XfsAlloc#freeMeta}. */
  synchronized void freeMeta(long b) {
    XfsAlloc.freeMeta(this, b);
  }

  /** Resizes the inode's bmbt to its data fork's records: see {@link XfsAlloc#fitBmbt}. */
  synchronized void fitBmbt(XfsInode ip) {
    XfsAlloc.fitBmbt(this, ip);
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
    // Used: data, metadata and the set-aside (what neither m_fdblocks nor a reservation holds).
    return new Space(fdblocks, resvData, resvInd, dblocks - fdblocks - resvData - resvInd,
        dblocks);
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

  /** One allocation call ({@code xfs_bmap_btalloc}): see {@link XfsAlloc}. */
  synchronized long @Nullable [] allocate(long target, long minlen, long maxlen, boolean exact) {
    return XfsAlloc.allocate(this, target, minlen, maxlen, exact);
  }

  /** As above, or through the {@code policy=} mount option's policy. */
  synchronized long @Nullable [] allocate(XfsInode ip, long off, long target, long minlen,
      long maxlen, boolean exact) {
    return XfsAlloc.allocate(this, ip, off, target, minlen, maxlen, exact);
  }

  /** Returns blocks to free space, busy until their checkpoint is on disk. */
  synchronized void freeBlocks(long start, long len) {
    XfsAlloc.freeBlocks(this, start, len);
  }

  /** A checkpoint is on disk: the extents its transactions freed go back to the allocator. */
  synchronized void busyDone(long seq) {
    XfsAlloc.busyDone(this, seq);
  }

  // ---- the log -------------------------------------------------------------------------------

  /** A transaction commit into the CIL: see {@link XfsLogForce#logTx}. */
  synchronized void logTx(int buffers, int agno, @Nullable XfsInode ip) {
    XfsLogForce.logTx(this, ip);
  }

  /**
   * The log reservation at the start of a transaction ({@code xfs_trans_reserve} waiting for log
   * space): a CIL that grew past a quarter of the log is checkpointed first, as the background
   * CIL push does, so that no checkpoint outgrows the log.
   */
  void transBegin() {
    boolean push;
    synchronized (this) {
      push = cil.estimate() > log.maxCheckpointBlocks() / 4;
    }
    if (push) {
      logForce();
    }
  }

  /** {@code xfs_log_force}: see {@link XfsLogForce#logForce}. */
  boolean logForce() {
    synchronized (this) {
      return XfsLogForce.logForce(this);
    }
  }

  /** {@code xfs_file_fsync}'s log force: see {@link XfsLogForce#fsyncForce}. */
  boolean fsyncForce(XfsInode ip, boolean datasync) {
    synchronized (this) {
      return XfsLogForce.fsyncForce(this, ip, datasync);
    }
  }

  /**
   * An inode whose times or attributes a syscall may change without calling into xfsish (it
   * was opened, or a path walk found it): the next log force looks at it. Open ones stay.
   */
  synchronized void touched(XfsInode ip) {
    touched.add(ip);
  }

  /** The AIL push: every logged buffer written in place, then flushed; the tail moves up. */
  synchronized void pushAil() {
    count(Counter.METADATA_BLOCKS_WRITTEN, log.pushAil());
  }

  @Override
  public void syncFs(Task task) {
    logForce();
    pushAil();
    // Everything is home: cover the log (as the log worker covers an idle log), so that a
    // mount replays nothing.
    synchronized (this) {
      log.cover();
    }
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
    // The unmount record: a cover whose tail is itself, so the next mount replays nothing.
    log.cover();
    for (SimulatedClock.Timer t : timers) {
      t.cancel();
    }
  }

  // ---- reporting -----------------------------------------------------------------------------

  @Override
  public synchronized StatFs statfs() {
    return XfsStatfs.statfs(this);
  }

  @Override
  public synchronized ImmutableMap<String, Long> counters() {
    return XfsStatfs.counters(this);
  }

  @Override
  public synchronized List<long[]> freeSpaceExtents() {
    return XfsStatfs.freeSpaceExtents(this);
  }

  @Override
  public synchronized long allocatedDataBytes() {
    return XfsStatfs.allocatedDataBytes(this);
  }

  /**
   * xfs_repair in miniature: each AG's two free-space indexes agree; no block is both free and
   * mapped, or mapped twice; {@code m_fdblocks} equals free (and busy) minus the delayed
   * reservations and the set-aside, and those equal the sum of the delayed records; records are
   * well formed and merged where XFS would have merged them; then the disk itself ({@link
   * XfsRepair}): every block verifies, the trees agree with the in-core model and the free
   * space is the complement of everything in use.
   */
  @Override
  public FsckReport fsck() {
    // What is compared is the disk: the CIL goes to the log first.
    logForce();
    synchronized (this) {
      return fsckLocked();
    }
  }

  private FsckReport fsckLocked() {
    FsckReport.Builder r = new FsckReport.Builder();
    XfsRepair.checkInCore(this, r);
    XfsRepair.check(this, r);
    return r.build();
  }
}
