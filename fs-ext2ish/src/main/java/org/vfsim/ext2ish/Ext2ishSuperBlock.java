package org.vfsim.ext2ish;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.BufferCache;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/**
 * A mounted ext2ish filesystem: the disk image, the allocator, the block maps and the inode
 * cache. One lock ({@link #lock}) covers the bitmaps, group descriptors, reservation tree and
 * block maps, standing in for ext2's per-group locks, {@code s_rsv_window_lock} and each inode's
 * {@code truncate_mutex}; it is a leaf: nothing else is taken while it is held.
 */
final class Ext2ishSuperBlock extends org.vfsim.fs.SuperBlock {
  static final long EXT2_SUPER_MAGIC = 0xEF53;
  static final long NANOS_PER_SEC = 1_000_000_000L;

  final Object lock = new Object();
  final FsState img;
  final BufferCache cache;
  /** What the mount-time repair of an unclean filesystem did and could not do. */
  final Repair.Result repaired;
  final Geometry geo;
  final Counters counters = new Counters();
  final MetadataTracker meta;
  final BlockAllocator alloc;
  final BlockMap map;
  final boolean reservation;
  final int windowBlocks;
  final DataIo data;
  final Ext2ishAops aops;
  private final Map<Long, Ext2ishInode> icache = new HashMap<>();

  Ext2ishSuperBlock(MountContext ctx, FsState img, BufferCache cache) {
    super(ctx);
    this.img = img;
    this.geo = img.geo;
    this.cache = cache;
    BlockDevice dev = ctx.device();
    this.data = new DataIo(dev, geo.blockSize);
    this.meta = new MetadataTracker(img, cache, counters);
    this.alloc = new BlockAllocator(ctx.machine(), dev, img, meta, counters,
        AllocationPolicies.forMountOption(ctx.options().text("policy"), Ext2ishType.class));
    this.map = new BlockMap(img, alloc, meta, counters);
    this.reservation = !ctx.options().flag("noreservation");
    long w = ctx.options().number("reservation_window");
    if (w < 1 || w > BlockAllocator.MAX_RESERVE_BLOCKS) {
      throw Errno.EINVAL.exception("reservation_window must be in [1, "
          + BlockAllocator.MAX_RESERVE_BLOCKS + "]: " + w);
    }
    this.windowBlocks = (int) w;
    this.aops = new Ext2ishAops(this);
    boolean wasClean = img.valid;
    synchronized (lock) {
      // ext2_setup_super: the filesystem is not clean while mounted; count the mount.
      img.mounted();
      SuperFields f = img.sf;
      f.state &= ~SuperFields.STATE_VALID;
      f.mountCount++;
      f.mountTime = ctx.machine().clock().seconds();
      f.writeTime = f.mountTime;
      // An unclean filesystem gets what e2fsck -p would do at boot before the mount; inodes
      // open and unlinked at a clean unmount cannot exist, so a clean one needs nothing.
      this.repaired = wasClean ? Repair.Result.NOTHING : new Repair(this).run();
      meta.dirty(geo.superBlockBlock());
      meta.writeAll();
    }
    dev.flush();
  }

  BlockDevice dev() {
    return device();
  }

  @Override
  public Inode root() {
    return inode(Geometry.ROOT_INO);
  }

  /** {@code ext2_iget}: the one live inode object of {@code ino}. */
  Ext2ishInode inode(long ino) {
    synchronized (lock) {
      Ext2ishInode i = icache.get(ino);
      if (i == null) {
        InodeRecord rec = img.inodes.get(ino);
        if (rec == null) {
          throw Errno.EUCLEAN.exception("inode " + ino);
        }
        i = new Ext2ishInode(this, rec);
        icache.put(ino, i);
      }
      return i;
    }
  }

  /** ext2 leaves {@code s_time_gran} at the kernel's default of one second. */
  @Override
  public long timeGranularityNanos() {
    return NANOS_PER_SEC;
  }

  @Override
  public int blockSize() {
    return geo.blockSize;
  }

  @Override
  public long maxBytes() {
    return geo.maxBytes();
  }

  /** {@code ext2_statfs} with the default {@code bsddf}: metadata overhead is not counted. */
  @Override
  public StatFs statfs() {
    synchronized (lock) {
      long blocks = geo.blocksCount - geo.firstDataBlock - img.overheadBlocks();
      return new StatFs(EXT2_SUPER_MAGIC, geo.blockSize, blocks, img.freeBlocksCount,
          img.freeBlocksCount, geo.inodesCount(), img.freeInodesCount, 255);
    }
  }

  // ---- inode allocation ----------------------------------------------------------------------

  /**
   * {@code ext2_new_inode}: a file goes in its directory's group ({@code find_group_other}); a
   * new directory is spread to a group with few directories (see {@link #findGroupDir}).
   */
  InodeRecord newInode(Ext2ishInode parent, boolean dir, int mode) {
    synchronized (lock) {
      int pg = geo.inodeGroup(parent.rec.ino);
      int group = dir ? findGroupDir(pg) : findGroupOther(pg);
      if (group < 0) {
        throw Errno.ENOSPC.exception("no free inodes");
      }
      BitSet bm = img.inodeBitmap(group);
      int idx = bm.nextClearBit(0);
      bm.set(idx);
      if (img.uninitBg) {
        img.inodeUsed(group, idx);
        meta.dirtyGroup(group);
      }
      img.freeInodes[group]--;
      img.freeInodesCount--;
      if (dir) {
        img.usedDirs[group]++;
      }
      meta.dirtyInodeBitmap(group);
      long ino = (long) group * geo.inodesPerGroup + idx + 1;
      InodeRecord rec = new InodeRecord(ino, dir, mode, machine().clock().seconds());
      rec.generation = counters.inodesAllocated;
      rec.parent = parent.rec.ino;
      img.inodes.put(ino, rec);
      meta.dirtyInode(ino);
      counters.inodesAllocated++;
      return rec;
    }
  }

  /**
   * Orlov's rule for a directory, without its randomness: scanning from the group after the
   * parent's, the group with the fewest directories among those with at least the average
   * free inodes and free blocks; with none, the rule for files.
   */
  private int findGroupDir(int parentGroup) {
    int n = geo.groups;
    long avgInodes = img.freeInodesCount / n;
    long avgBlocks = img.freeBlocksCount / n;
    int best = -1;
    for (int i = 0; i < n; i++) {
      int g = (parentGroup + 1 + i) % n;
      if (img.freeInodes[g] == 0 || img.freeInodes[g] < avgInodes
          || img.freeBlocks[g] < avgBlocks) {
        continue;
      }
      if (best < 0 || img.usedDirs[g] < img.usedDirs[best]) {
        best = g;
      }
    }
    return best >= 0 ? best : findGroupOther(parentGroup);
  }

  private int findGroupOther(int parentGroup) {
    int n = geo.groups;
    if (img.freeInodes[parentGroup] > 0 && img.freeBlocks[parentGroup] > 0) {
      return parentGroup;
    }
    // Quadratic hash from the parent's group, then a linear scan.
    int g = parentGroup;
    for (int i = 1; i < n; i <<= 1) {
      g = (g + i) % n;
      if (img.freeInodes[g] > 0 && img.freeBlocks[g] > 0) {
        return g;
      }
    }
    for (int i = 1; i <= n; i++) {
      g = (parentGroup + i) % n;
      if (img.freeInodes[g] > 0) {
        return g;
      }
    }
    return -1;
  }

  /** {@code ext2_free_inode}: the inode's blocks are already freed. */
  void freeInode(InodeRecord rec) {
    synchronized (lock) {
      int group = geo.inodeGroup(rec.ino);
      int idx = (int) ((rec.ino - 1) % geo.inodesPerGroup);
      img.inodeBitmap(group).clear(idx);
      img.freeInodes[group]++;
      img.freeInodesCount++;
      if (rec.dir) {
        img.usedDirs[group]--;
      }
      img.inodes.remove(rec.ino);
      icache.remove(rec.ino);
      meta.dirtyInodeBitmap(group);
      // ext2_evict_inode: the inode goes to disk with i_dtime set and no links.
      rec.nlink = 0;
      // i_dtime below s_inodes_count reads as an orphan-list link to e2fsck: a simulated
      // clock that early stamps s_inodes_count instead.
      meta.writeInode(rec, Math.max(geo.inodesCount(), machine().clock().seconds()));
      meta.writeSomeDurably(java.util.Set.of(geo.inodeBlock(rec.ino)));
    }
  }

  // ---- durability ----------------------------------------------------------------------------

  /**
   * {@code ext2_write_inode} of every in-core inode whose on-disk copy differs, after the VFS
   * wrote their data back (sync): times and sizes change without a {@code mark_inode_dirty}
   * here, so each is compared with its inode table slot instead.
   */
  private void writeAllInodes() {
    for (Ext2ishInode i : List.copyOf(icache.values())) {
      i.syncRecord();
      meta.writeInodeIfChanged(i.rec);
    }
    for (long ino : meta.dirtyInodes()) {
      InodeRecord rec = img.inodes.get(ino);
      if (rec != null) {
        meta.writeInode(rec, 0);
      }
    }
  }

  /**
   * Writeback's {@code write_inode} after the data: the inode (copied to its inode table block
   * now) and its indirect blocks; bitmaps wait for sync or an fsync, as ext2 leaves them to
   * the block device's writeback.
   */
  void writeInodeMetadata(InodeRecord rec) {
    synchronized (lock) {
      if (!img.inodes.containsKey(rec.ino)) {
        return; // freed meanwhile: its deleted inode was written at eviction
      }
      meta.writeInodeIfChanged(rec);
      TreeSet<Long> mine = new TreeSet<>();
      map.forEachIndirect(rec, mine::add);
      mine.add(geo.inodeBlock(rec.ino));
      meta.writeSome(mine);
    }
  }

  /**
   * {@code ext2_fsync}'s metadata, in one batch: the inode (copied to its inode table block
   * now), its indirect blocks, the changed bitmaps and group descriptors, and, as ext4 does
   * for a file without a journal ({@code ext4_sync_parent}; ext2 does not), the directory
   * block holding the file's name and the directory's inode if they changed.
   */
  /** The live inodes named in directory {@code dir} that changed since last written. */
  List<Ext2ishInode> changedChildren(InodeRecord dir) {
    synchronized (lock) {
      java.util.Set<Long> dirty = new java.util.HashSet<>(meta.dirtyInodes());
      List<Ext2ishInode> out = new java.util.ArrayList<>();
      for (InodeRecord.DirSlot slot : dir.entries.values()) {
        Ext2ishInode child = icache.get(slot.ino());
        if (child != null && child != icache.get(dir.ino) && !child.isDirectory()
            && dirty.contains(slot.ino())) {
          out.add(child);
        }
      }
      return out;
    }
  }

  void fsyncMetadata(InodeRecord rec) {
    synchronized (lock) {
      if (!img.inodes.containsKey(rec.ino)) {
        return;
      }
      TreeSet<Long> blocks = new TreeSet<>();
      if (rec.dir) {
        map.forEachData(rec, 0, (l, p) -> blocks.add(p));
      }
      meta.writeInodeIfChanged(rec);
      map.forEachIndirect(rec, blocks::add);
      blocks.add(geo.inodeBlock(rec.ino));
      InodeRecord dir = img.inodes.get(rec.parent);
      InodeRecord.DirSlot slot = dir == null || !dir.dir || rec.dir || rec.name == null ? null
          : dir.entries.get(rec.name);
      if (slot != null && slot.ino() == rec.ino) {
        Ext2ishInode di = icache.get(dir.ino);
        if (di != null) {
          di.syncRecord();
        }
        meta.writeInodeIfChanged(dir);
        blocks.add(map.lookup(dir, slot.block()));
        map.forEachIndirect(dir, blocks::add);
        blocks.add(geo.inodeBlock(dir.ino));
      }
      meta.addGroupMetadata(blocks);
      meta.writeSome(blocks);
    }
  }

  /**
   * Writes the inode and its changed indirect blocks with FUA now. Used when the inode gave
   * blocks back (truncate) or shrank: another file may reuse those blocks and make them durable
   * at its next fsync, and the old on-disk inode must not claim them then (a block claimed
   * twice is beyond {@code e2fsck -p}). Not ext2, which leaves this window open; the same rule
   * makes a shrunk size durable before bytes past it can be exposed.
   */
  void writeInodeDurably(InodeRecord rec) {
    synchronized (lock) {
      if (!img.inodes.containsKey(rec.ino)) {
        return;
      }
      meta.writeInode(rec, 0);
      TreeSet<Long> mine = new TreeSet<>();
      map.forEachIndirect(rec, mine::add);
      mine.add(geo.inodeBlock(rec.ino));
      meta.writeSomeDurably(mine);
    }
  }

  /** {@code ext2_sync_fs}: every changed inode and metadata block, the superblock, a flush. */
  @Override
  public void syncFs(Task task) {
    synchronized (lock) {
      writeAllInodes();
      img.sf.writeTime = machine().clock().seconds();
      meta.dirty(geo.superBlockBlock());
      meta.writeAll();
    }
    dev().flush();
  }

  /**
   * {@code ext2_put_super}: everything written, the superblock marked valid (clean). Free blocks
   * that may hold an old owner's bytes are discarded first, so that a later mount, which knows
   * nothing of them, can hand them out without exposing those bytes.
   */
  @Override
  public void unmount(Task task) {
    synchronized (lock) {
      writeAllInodes();
      alloc.discardAllStale();
      img.sf.state |= SuperFields.STATE_VALID;
      img.valid = true;
      img.sf.writeTime = machine().clock().seconds();
      meta.dirty(geo.superBlockBlock());
      meta.writeAll();
    }
    dev().flush();
  }

  @Override
  public ImmutableMap<String, Long> counters() {
    synchronized (lock) {
      return counters.toMap(alloc.windows.size());
    }
  }

  @Override
  public List<long[]> freeSpaceExtents() {
    synchronized (lock) {
      List<long[]> out = new ArrayList<>();
      long start = -1;
      long len = 0;
      for (int g = 0; g < geo.groups; g++) {
        BitSet bm = img.peekBlockBitmap(g);
        long first = geo.groupFirst(g);
        int size = geo.blocksInGroup(g);
        for (int i = bm.nextClearBit(0); i < size; i = bm.nextClearBit(i + 1)) {
          long b = first + i;
          if (len > 0 && b == start + len) {
            len++;
          } else {
            if (len > 0) {
              out.add(new long[] {start, len});
            }
            start = b;
            len = 1;
          }
        }
      }
      if (len > 0) {
        out.add(new long[] {start, len});
      }
      return out;
    }
  }

  @Override
  public FsckReport fsck() {
    synchronized (lock) {
      for (Ext2ishInode i : icache.values()) {
        i.syncRecord();
      }
      return Fsck.check(img, map, alloc.windows);
    }
  }
}
