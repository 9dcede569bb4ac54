package org.vfsim.btrfsish;

import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.SuperBlock;
import org.vfsim.fs.Vfs;
import org.vfsim.kernel.SimulatedClock;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Errno;

/**
 * A mounted btrfsish filesystem: the in-memory fs, extent and csum trees of the running
 * transaction, the data and metadata space_infos, the allocator, and the transaction and log
 * machinery that makes them durable. Every structure here is guarded by this object's monitor,
 * which is never held while taking a folio lock or waiting for one.
 */
final class BtrfsFs extends SuperBlock {
  static final long BTRFS_SUPER_MAGIC = 0x9123683EL;
  static final long FIRST_FREE_INO = 256;
  /**
   * Metadata reserved per dirtied sector: one file extent item, one extent item and a checksum,
   * rounded up. btrfs reserves far more (a worst-case COW path per outstanding extent); the
   * simple model keeps what it takes proportional to the dirty data.
   */
  static final long META_RSV_PER_SECTOR = 128;
  /** Largest data extent a COW writeback creates ({@code BTRFS_MAX_EXTENT_SIZE}). */
  static final long MAX_EXTENT = 128L << 20;

  final Layout layout;
  final int sectorSize;
  final BlockDevice device;
  final boolean nodatacow;
  final int maxChunkPages;
  final int devBlocksPerSector;

  final SpaceInfo data;
  final SpaceInfo meta;
  final FreeSpaceCache freeSpace;
  final DiskIo io;
  /** The trees ({@code fs_info->tree_root}, the fs tree, the extent and the csum root). */
  final Ctree treeRoot;
  final Ctree fsRoot;
  final Ctree extentRoot;
  final Ctree csumRoot;
  final TreeMap<Long, DiskExtent> extents;
  final TreeMap<Long, Integer> csums;
  final List<long[]> pinned = new ArrayList<>();
  final Map<Long, BtrfsInode> inodes = new HashMap<>();
  long nextIno;
  long generation;
  /** The root tree's root as the last commit wrote it: what an fsync's superblock names. */
  long committedRoot;
  int committedRootLevel;
  /** Inodes the last commit holds: fsync also logs new ancestors not among them. */
  final Set<Long> committedInos = new HashSet<>();
  /**
   * Delayed items: the file extent item keys, directory entries, removed inodes, extents and
   * checksum runs changed since the last commit.
   */
  final Set<Key> dirtyFsKeys = new HashSet<>();
  final Set<DirName> dirtyNames = new HashSet<>();
  final Set<Long> deadInos = new HashSet<>();
  final Set<Long> dirtyExtents = new HashSet<>();
  final Set<Long> dirtyCsums = new HashSet<>();
  /**
   * The delayed ref heads of the running transaction: per extent, every backref added or dropped
   * since the last commit (btrfs runs them at commit). The commit root may still hold a dropped
   * one.
   */
  final Map<Long, Set<DataRef>> delayedRefs = new HashMap<>();
  final SimulatedClock.Timer commitTimer;
  boolean dead;
  final Counters counters = new Counters();
  final DelallocSpace delalloc = new DelallocSpace(this);
  final ExtentTree extentTree = new ExtentTree(this);
  final FileExtents fileExtents = new FileExtents(this);
  final InodeOps inodeOps = new InodeOps(this);
  final Transaction transaction = new Transaction(this);
  final TreeLog treeLog = new TreeLog(this);
  /** How perform_write copies; tests swap in the 2010 variant. */
  volatile BufferedWrite.CopyStep copyStep = BufferedWrite.ATOMIC;
  /** Tests compare perform_write with the generic loop over write_begin/write_end. */
  volatile boolean genericWriteForTest;

  /** A directory entry changed in the running transaction. */
  record DirName(long dir, String name) {}

  /**
   * {@code open_ctree}: reads the root tree named by the superblock and the trees it names,
   * verifying every node, decodes them into the in-memory inodes, extents and checksums (caches
   * of the trees), replays a log tree written after the superblock's commit, removes orphans,
   * and rebuilds the free space of both block groups from what the trees reference.
   */
  BtrfsFs(MountContext ctx, DiskSuper sb) {
    super(ctx);
    this.device = ctx.device();
    this.layout = sb.layout();
    this.sectorSize = layout.sectorSize();
    this.devBlocksPerSector = sectorSize / device.blockSize();
    this.nodatacow = ctx.options().flag("nodatacow");
    long chunk = ctx.options().number("max_chunk_pages");
    long commit = ctx.options().number("commit");
    if (chunk < 1 || chunk > 1024) {
      throw Errno.EINVAL.exception("max_chunk_pages must be in [1, 1024]: " + chunk);
    }
    if (commit < 1) {
      throw Errno.EINVAL.exception("commit must be at least 1 second: " + commit);
    }
    this.maxChunkPages = (int) chunk;
    this.data = new SpaceInfo("data", layout.dataBytes());
    this.meta = new SpaceInfo("metadata", layout.metaBytes());
    this.generation = sb.generation();
    this.io = new DiskIo(device, layout, meta, generation + 1);
    Set<Long> used = new HashSet<>();
    this.treeRoot = new Ctree(io, Key.ROOT_TREE, io.read(sb.root()));
    this.committedRoot = sb.root();
    this.committedRootLevel = treeRoot.root.level;
    this.fsRoot = openRoot(Key.FS_TREE);
    this.extentRoot = openRoot(Key.EXTENT_TREE);
    this.csumRoot = openRoot(Key.CSUM_TREE);
    for (Ctree t : List.of(treeRoot, fsRoot, extentRoot, csumRoot)) {
      markUsed(t, used);
    }
    TreeLog.State root = new TreeLog.State();
    TreeLog.read(fsRoot, root, sectorSize);
    TreeLog.read(csumRoot, root, sectorSize);
    extentRoot.scan(Key.min(0), Key.max(-1L, 255), (k, v) -> {
      if (k.type() == Key.EXTENT_ITEM) {
        DiskExtent e = new DiskExtent(k.objectid(), k.offset());
        e.generation = Items.extentGeneration(v);
        root.extents.put(e.bytenr, e);
      }
    });
    boolean changed = false;
    if (sb.logRoot() != 0 && sb.logRootTransid() == sb.generation()) {
      Ctree log = new Ctree(io, Key.LOG_TREE, io.read(sb.logRoot()));
      markUsed(log, used);
      TreeLog.State logged = new TreeLog.State();
      TreeLog.read(log, logged, sectorSize);
      TreeLog.replay(root, logged);
      treeLog.log = log; // dropped (its blocks pinned) by the commit that follows
      changed = true;
    }
    io.initFree(used);
    this.extents = root.extents;
    this.csums = root.csums;
    // Orphan cleanup: inodes that lost their last link before the crash go away now.
    changed |= root.inodes.values().removeIf(i -> i.nlink <= 0 && i.ino != FIRST_FREE_INO);
    changed |= ExtentTree.recountRefs(root);
    this.freeSpace = new FreeSpaceCache(layout.dataStart(), layout.dataEnd());
    long at = layout.dataStart();
    for (DiskExtent e : extents.values()) {
      if (e.bytenr > at) {
        freeSpace.add(at, e.bytenr - at);
      }
      at = e.end();
      data.used += e.numBytes;
    }
    if (at < layout.dataEnd()) {
      freeSpace.add(at, layout.dataEnd() - at);
    }
    for (long m : DiskSuper.offsets(layout.totalBytes())) {
      // The superblock mirrors are never allocated (btrfs excludes their stripes).
      if (m != DiskSuper.PRIMARY && m >= layout.dataStart() && m < layout.dataEnd()) {
        long s = m / sectorSize * sectorSize;
        freeSpace.remove(s, sectorSize);
        data.readonly += sectorSize;
      }
    }
    long maxIno = FIRST_FREE_INO;
    for (InodeItem item : root.inodes.values()) {
      BtrfsInode inode = new BtrfsInode(this, item);
      // btrfs_read_locked_inode: the times come from the inode item (the commit's or the
      // replayed log's), not from the clock at mount.
      inode.readTimesFromItem();
      inodes.put(item.ino, inode);
      committedInos.add(item.ino);
      maxIno = Math.max(maxIno, item.ino);
    }
    for (InodeItem dir : root.inodes.values()) {
      dir.entries.forEach((name, child) -> root.inodes.get(child).links
          .computeIfAbsent(dir.ino, d -> new java.util.TreeSet<>()).add(name));
    }
    // btrfs_find_highest_objectid: new inodes are numbered after the highest in the tree.
    this.nextIno = maxIno + 1;
    commitTimer = machine().clock().scheduleAtFixedRate(Duration.ofSeconds(commit),
        transaction::periodicCommit);
    if (changed) {
      transaction.resyncAll = true;
      commitTransaction(); // btrfs commits right after replaying a log or removing orphans
    }
  }

  private Ctree openRoot(long id) {
    byte[] item = treeRoot.lookup(new Key(id, Key.ROOT_ITEM, 0));
    if (item == null) {
      throw Errno.EUCLEAN.exception("btrfsish: the root tree has no root item for tree " + id);
    }
    return new Ctree(io, id, io.read(Items.rootBytenr(item)));
  }

  private static void markUsed(Ctree t, Set<Long> used) {
    t.walk(n -> {
      if (!used.add(n.bytenr)) {
        throw Errno.EUCLEAN.exception("btrfsish: tree block " + n.bytenr + " referenced twice");
      }
    });
  }

  /** The trees whose nodes are allocated now (the log tree too, if fsync wrote one). */
  List<Ctree> liveTrees() {
    List<Ctree> out = new ArrayList<>(List.of(treeRoot, fsRoot, extentRoot, csumRoot));
    if (treeLog.log != null) {
      out.add(treeLog.log);
    }
    return out;
  }

  /** The superblock for the last commit, naming {@code log} as the log tree if not null. */
  DiskSuper superFor(@Nullable Ctree log) {
    return new DiskSuper(generation, committedRoot, committedRootLevel,
        log == null ? 0 : log.root.bytenr, log == null ? 0 : log.root.level,
        log == null ? 0 : generation, layout);
  }

  void clearDirty() {
    dirtyFsKeys.clear();
    dirtyNames.clear();
    deadInos.clear();
    dirtyExtents.clear();
    dirtyCsums.clear();
  }

  /** The checksum runs covering {@code [from, to)} change in this transaction. */
  void dirtyCsumRuns(long from, long to) {
    long run = (long) Items.CSUM_RUN * sectorSize;
    for (long r = Math.floorDiv(from, run) * run; r < to; r += run) {
      dirtyCsums.add(r);
    }
  }

  /** Adds a directory entry ({@code btrfs_add_link}); caller holds the fs lock. */
  void addEntry(BtrfsInode dir, String name, long child) {
    Long old = dir.item.entries.put(name, child);
    if (old != null) {
      dropLink(old, dir.ino(), name);
    }
    BtrfsInode c = inodes.get(child);
    if (c != null) {
      c.item.links.computeIfAbsent(dir.ino(), d -> new java.util.TreeSet<>()).add(name);
    }
    dirtyNames.add(new DirName(dir.ino(), name));
  }

  /** Removes a directory entry ({@code btrfs_unlink_inode}); caller holds the fs lock. */
  @Nullable Long removeEntry(BtrfsInode dir, String name) {
    Long ino = dir.item.entries.remove(name);
    if (ino != null) {
      dropLink(ino, dir.ino(), name);
      treeLog.nameRemoved(ino, dir.ino(), name, dir.item.entryIndex.get(name));
      dirtyNames.add(new DirName(dir.ino(), name));
    }
    return ino;
  }

  private void dropLink(long ino, long dir, String name) {
    BtrfsInode c = inodes.get(ino);
    if (c != null) {
      java.util.TreeSet<String> names = c.item.links.get(dir);
      if (names != null && names.remove(name) && names.isEmpty()) {
        c.item.links.remove(dir);
      }
    }
  }

  // ---- inodes ----------------------------------------------------------------------------------

  @Override
  public Inode root() {
    return inode(FIRST_FREE_INO);
  }

  synchronized BtrfsInode inode(long ino) {
    BtrfsInode i = inodes.get(ino);
    if (i == null) {
      throw Errno.EUCLEAN.exception("dangling directory entry to inode " + ino);
    }
    return i;
  }

  synchronized BtrfsInode newInode(FileType type, int mode) {
    InodeItem item = new InodeItem(nextIno++, type);
    item.mode = mode & 07777;
    item.nlink = type == FileType.DIRECTORY ? 2 : 1;
    if (nodatacow && type == FileType.REGULAR) {
      // Mounted nodatacow: new files get NODATACOW, which implies NODATASUM, as in btrfs.
      item.flags |= InodeItem.FLAG_NODATACOW | InodeItem.FLAG_NODATASUM;
    }
    BtrfsInode inode = new BtrfsInode(this, item);
    inodes.put(item.ino, inode);
    return inode;
  }

  /** {@code evict_inode}: no links and no users; its extents lose their references. */
  synchronized void evictInode(BtrfsInode inode) {
    dropExtents(inode, 0, Long.MAX_VALUE);
    for (long s : new ArrayList<>(inode.delalloc.keySet())) {
      clearDelalloc(inode, s, true);
    }
    inodes.remove(inode.ino());
    deadInos.add(inode.ino());
  }

  synchronized List<BtrfsInode> liveInodes() {
    return new ArrayList<>(inodes.values());
  }

  // ---- entry points (each takes the fs lock, then calls the helper that owns the concept) -----

  void reserveDelalloc(Task task, long dataBytes, long sectors) {
    delalloc.reserveDelalloc(task, dataBytes, sectors);
  }

  synchronized boolean tryReserve(long dataBytes, long sectors) {
    return delalloc.tryReserve(dataBytes, sectors);
  }

  synchronized void releaseReservation(long dataBytes, long sectors) {
    delalloc.releaseReservation(dataBytes, sectors);
  }

  void flushDelalloc(Task task) {
    delalloc.flushDelalloc(task);
  }

  synchronized void markDelalloc(BtrfsInode inode, long firstSector, long n, boolean reserved) {
    delalloc.markDelalloc(inode, firstSector, n, reserved);
  }

  synchronized void clearDelalloc(BtrfsInode inode, long sector, boolean releaseData) {
    delalloc.clearDelalloc(inode, sector, releaseData);
  }

  synchronized boolean isDelalloc(BtrfsInode inode, long sector) {
    return delalloc.isDelalloc(inode, sector);
  }

  synchronized void dropExtents(BtrfsInode inode, long start, long end) {
    fileExtents.dropExtents(inode, start, end);
  }

  synchronized Map.@Nullable Entry<Long, FileExtentItem> itemAt(BtrfsInode inode, long pos) {
    return fileExtents.itemAt(inode, pos);
  }

  synchronized long nocowLength(BtrfsInode inode, long pos, long len) {
    return inodeOps.nocowLength(inode, pos, len);
  }

  synchronized void writeCow(Task task, BtrfsInode inode, List<Folio> run) {
    inodeOps.writeCow(task, inode, run);
  }

  synchronized void writeNocow(Task task, BtrfsInode inode, Folio folio) {
    inodeOps.writeNocow(task, inode, folio);
  }

  void readPage(Task task, BtrfsInode inode, Folio folio) {
    inodeOps.readPage(task, inode, folio);
  }

  void preallocate(Task task, BtrfsInode inode, long start, long end) {
    inodeOps.preallocate(task, inode, start, end);
  }

  synchronized void cloneRange(BtrfsInode src, long srcOff, BtrfsInode dst, long dstOff,
      long len) {
    inodeOps.cloneRange(src, srcOff, dst, dstOff, len);
  }

  synchronized void commitTransaction() {
    transaction.commitTransaction();
  }

  synchronized void logInode(BtrfsInode inode) {
    treeLog.logInode(inode);
  }

  // ---- SuperBlock ------------------------------------------------------------------------------

  @Override
  public int blockSize() {
    return sectorSize;
  }

  @Override
  public synchronized StatFs statfs() {
    long free = Math.max(0, data.unclaimed()) / sectorSize;
    return new StatFs(BTRFS_SUPER_MAGIC, sectorSize, data.total / sectorSize, free, free,
        inodes.size(), Long.MAX_VALUE - nextIno, 255);
  }

  @Override
  public void syncFs(Task task) {
    commitTransaction();
  }

  @Override
  public void unmount(Task task) {
    commitTransaction();
    kill();
  }

  /** Whether the machine's mount table still holds this mount. */
  boolean stillMounted() {
    for (Vfs.Mount m : machine().vfs().mounts()) {
      if (m.sb() == this) {
        return true;
      }
    }
    return false;
  }

  /** This mount is gone (unmounted, or replaced by a remount after a power cut). */
  synchronized void kill() {
    dead = true;
    commitTimer.cancel();
  }

  @Override
  public long allocatedDataBytes() {
    synchronized (this) {
      return data.used + data.reserved;
    }
  }

  synchronized long referencedBytes() {
    long n = 0;
    for (BtrfsInode i : inodes.values()) {
      for (FileExtentItem it : i.item.items.values()) {
        n += it.numBytes();
      }
    }
    return n;
  }

  @Override
  public List<long[]> freeSpaceExtents() {
    List<long[]> out = new ArrayList<>();
    synchronized (this) {
      for (long[] f : freeSpace.extents()) {
        out.add(new long[] {f[0] / sectorSize, f[1] / sectorSize});
      }
    }
    return out;
  }

  @Override
  public synchronized ImmutableMap<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("data_total", data.total);
    m.put("data_used", data.used);
    m.put("data_reserved", data.reserved);
    m.put("data_may_use", data.mayUse);
    m.put("data_pinned", data.pinned);
    m.put("data_readonly", data.readonly);
    m.put("data_free", data.unclaimed());
    m.put("meta_total", meta.total);
    m.put("meta_used", meta.used);
    m.put("meta_pinned", meta.pinned);
    m.put("meta_may_use", meta.mayUse);
    m.put("meta_free", meta.unclaimed());
    counters.export(m);
    m.put("allocated_bytes", data.used + data.reserved);
    m.put("referenced_bytes", referencedBytes());
    m.put("generation", generation);
    m.put("fs_tree_height", (long) fsRoot.height());
    m.put("extent_tree_height", (long) extentRoot.height());
    m.put("csum_tree_height", (long) csumRoot.height());
    return ImmutableMap.copyOf(m);
  }

  /**
   * Checks the structures against one another: backref counts against the file extent items,
   * extents against free and pinned space, the space_info sums, may_use against the dirty data
   * that still needs it, and checksums for every written block of a checksummed file.
   */
  @Override
  public synchronized FsckReport fsck() {
    FsckReport.Builder r = new FsckReport.Builder();
    Map<Long, Map<DataRef, Integer>> counted = new HashMap<>();
    long mayUseSectors = 0;
    long delallocSectors = 0;
    for (BtrfsInode i : inodes.values()) {
      long prevEnd = Long.MIN_VALUE;
      for (Map.Entry<Long, FileExtentItem> e : i.item.items.entrySet()) {
        long k = e.getKey();
        FileExtentItem it = e.getValue();
        r.check(k >= prevEnd, "inode %d: item at %d overlaps the previous one", i.ino(), k);
        prevEnd = k + it.numBytes();
        DiskExtent ext = extents.get(it.diskBytenr());
        if (ext == null) {
          r.problem("inode %d: item at %d references missing extent %d", i.ino(), k,
              it.diskBytenr());
          continue;
        }
        r.check(it.offset() >= 0 && it.offset() + it.numBytes() <= ext.numBytes,
            "inode %d: item at %d reaches outside extent %d+%d", i.ino(), k, ext.bytenr,
            ext.numBytes);
        counted.computeIfAbsent(ext.bytenr, b -> new HashMap<>())
            .merge(new DataRef(i.ino(), it.backrefBase(k)), 1, Integer::sum);
        if (!it.prealloc() && !i.item.has(InodeItem.FLAG_NODATASUM) && !device.dataless()) {
          for (long s = 0; s < it.numBytes(); s += sectorSize) {
            r.check(csums.containsKey(it.diskByteAt(s)),
                "inode %d: no checksum for written block at file offset %d (disk %d)", i.ino(),
                k + s, it.diskByteAt(s));
          }
        }
      }
      Mapping m = i.mapping();
      for (Map.Entry<Long, Boolean> d : i.delalloc.entrySet()) {
        delallocSectors++;
        if (d.getValue()) {
          mayUseSectors++;
        }
        Folio f = m.lookup(d.getKey());
        r.check(f != null && (f.isDirty() || f.isWriteback()),
            "inode %d: delalloc sector %d has no dirty page (leaked reservation)", i.ino(),
            d.getKey());
      }
    }
    long used = 0;
    long prevEnd = layout.dataStart();
    for (DiskExtent e : extents.values()) {
      used += e.numBytes;
      r.check(e.bytenr >= prevEnd, "extent %d overlaps the previous extent", e.bytenr);
      r.check(e.end() <= layout.dataEnd(), "extent %d ends past the data region", e.bytenr);
      prevEnd = e.end();
      r.check(!freeSpace.overlaps(e.bytenr, e.numBytes), "extent %d+%d overlaps free space",
          e.bytenr, e.numBytes);
      Map<DataRef, Integer> want = counted.getOrDefault(e.bytenr, Map.of());
      r.check(e.refs.equals(want), "extent %d: backrefs %s but items reference it as %s",
          e.bytenr, e.refs, want);
      r.check(!e.refs.isEmpty(), "extent %d has no references but is allocated", e.bytenr);
    }
    counted.keySet().stream().filter(b -> !extents.containsKey(b)).forEach(
        b -> r.problem("items reference extent %d that is not in the extent tree", b));
    long pinnedBytes = 0;
    for (long[] p : pinned) {
      pinnedBytes += p[1];
      r.check(!freeSpace.overlaps(p[0], p[1]), "pinned %d+%d overlaps free space", p[0], p[1]);
      Map.Entry<Long, DiskExtent> below = extents.floorEntry(p[0] + p[1] - 1);
      r.check(below == null || below.getValue().end() <= p[0],
          "pinned %d+%d overlaps an allocated extent", p[0], p[1]);
    }
    r.check(used == data.used, "space_info: used %d but extents hold %d", data.used, used);
    r.check(pinnedBytes == data.pinned, "space_info: pinned %d but pinned extents hold %d",
        data.pinned, pinnedBytes);
    r.check(data.reserved == 0, "space_info: %d bytes reserved outside writeback",
        data.reserved);
    r.check(freeSpace.freeBytes() == data.total - data.taken(),
        "space_info: free space tree holds %d but total - used - reserved - pinned - readonly = %d",
        freeSpace.freeBytes(), data.total - data.taken());
    r.check(data.mayUse == mayUseSectors * sectorSize,
        "space_info: may_use %d but dirty data needs %d", data.mayUse,
        mayUseSectors * sectorSize);
    r.check(data.unclaimed() >= 0, "space_info: over-committed: %s", data);
    r.check(meta.mayUse == delallocSectors * META_RSV_PER_SECTOR,
        "metadata space_info: may_use %d but dirty data needs %d", meta.mayUse,
        delallocSectors * META_RSV_PER_SECTOR);
    for (long at : csums.keySet()) {
      Map.Entry<Long, DiskExtent> e = extents.floorEntry(at);
      r.check(e != null && e.getValue().end() > at, "checksum at %d outside any extent", at);
    }
    // Tree blocks: the metadata space_info against the nodes the trees hold, and free space.
    long nodes = 0;
    for (Ctree t : liveTrees()) {
      long[] n = new long[1];
      t.walk(b -> n[0]++);
      nodes += n[0];
    }
    r.check(meta.used == nodes * layout.nodeSize(),
        "metadata space_info: used %d but the trees hold %d nodes", meta.used, nodes);
    r.check(io.free.freeBytes() == meta.total - meta.taken(),
        "metadata space_info: free space holds %d but total - used - pinned - readonly = %d",
        io.free.freeBytes(), meta.total - meta.taken());
    TreeChecker.check(this, r);
    return r.build();
  }

  // ---- test-only access ------------------------------------------------------------------------

  synchronized DiskExtent extent(long bytenr) {
    return extents.get(bytenr);
  }

  synchronized int extentCount() {
    return extents.size();
  }

  synchronized long generation() {
    return generation;
  }

  /** Deliberate corruption so tests can show fsck catches each kind of damage. */
  synchronized void corruptForTest(String what, BtrfsInode inode) {
    switch (what) {
      case "leak-may-use" -> data.mayUse += sectorSize;
      case "extra-ref" -> {
        DiskExtent e = extents.firstEntry().getValue();
        e.refs.merge(new DataRef(inode.ino(), -1), 1, Integer::sum);
      }
      case "drop-csum" -> csums.pollFirstEntry();
      case "free-overlap" -> {
        DiskExtent e = extents.firstEntry().getValue();
        freeSpace.corruptAddOverlapping(e.bytenr, sectorSize);
      }
      default -> throw new IllegalArgumentException(what);
    }
  }

  /** The counters btrfsish reports besides the space_infos. */
  static final class Counters {
    long reservations;
    long releases;
    long dataReservedBytes;
    long dataReleasedBytes;
    long metaReservedBytes;
    long metaReleasedBytes;
    long enospcFlushes;
    long enospc;
    long allocCalls;
    long allocFailures;
    long cowAllocations;
    long cowBytes;
    long nocowWrites;
    long preallocBytes;
    long extentsFreed;
    long bytesPinned;
    long commits;
    long logSyncs;
    long metadataBlocksWritten;
    long treeNodesWritten;
    long lastCommitNodes;
    long logNodesWritten;
    long logForcedCommits;
    long csumErrors;
    long writebackErrors;
    long clones;
    long shortCopies;

    void export(Map<String, Long> m) {
      m.put("reservations_made", reservations);
      m.put("reservations_released", releases);
      m.put("data_reserved_bytes", dataReservedBytes);
      m.put("data_released_bytes", dataReleasedBytes);
      m.put("meta_reserved_bytes", metaReservedBytes);
      m.put("meta_released_bytes", metaReleasedBytes);
      m.put("enospc_flushes", enospcFlushes);
      m.put("enospc", enospc);
      m.put("allocation_calls", allocCalls);
      m.put("allocation_failures", allocFailures);
      m.put("cow_allocations", cowAllocations);
      m.put("cow_bytes", cowBytes);
      m.put("nocow_writes", nocowWrites);
      m.put("prealloc_bytes", preallocBytes);
      m.put("extents_freed", extentsFreed);
      m.put("bytes_pinned", bytesPinned);
      m.put("commits", commits);
      m.put("log_syncs", logSyncs);
      m.put("metadata_blocks_written", metadataBlocksWritten);
      m.put("tree_nodes_written", treeNodesWritten);
      m.put("nodes_written_last_commit", lastCommitNodes);
      m.put("log_nodes_written", logNodesWritten);
      m.put("log_forced_commits", logForcedCommits);
      m.put("csum_errors", csumErrors);
      m.put("writeback_errors", writebackErrors);
      m.put("clones", clones);
      m.put("short_copies", shortCopies);
    }
  }
}
