package org.vfsim.ext2ish;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.vfsim.block.BlockDevice;
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
  final DiskImage img;
  final Geometry geo;
  final Counters counters = new Counters();
  final MetadataTracker meta;
  final BlockAllocator alloc;
  final BlockMap map;
  final boolean reservation;
  final int windowBlocks;
  final int devPerFs;
  final Ext2ishAops aops;
  private final Map<Long, Ext2ishInode> icache = new HashMap<>();

  Ext2ishSuperBlock(MountContext ctx, DiskImage img) {
    super(ctx);
    this.img = img;
    this.geo = img.geo;
    BlockDevice dev = ctx.device();
    this.devPerFs = geo.blockSize / dev.blockSize();
    this.meta = new MetadataTracker(geo, dev.blockSize());
    meta.setCounters(counters);
    this.alloc = new BlockAllocator(ctx.machine(), dev, img, meta, counters);
    this.map = new BlockMap(img, alloc, meta, counters);
    this.reservation = !ctx.options().flag("noreservation");
    long w = ctx.options().number("reservation_window");
    if (w < 1 || w > BlockAllocator.MAX_RESERVE_BLOCKS) {
      throw Errno.EINVAL.exception("reservation_window must be in [1, "
          + BlockAllocator.MAX_RESERVE_BLOCKS + "]: " + w);
    }
    this.windowBlocks = (int) w;
    this.aops = new Ext2ishAops(this);
    releaseOrphans();
  }

  /**
   * Inodes with no links left in the image were open and unlinked when the image was stored;
   * nobody can hold them after a mount, so their blocks and inodes are freed now (what e2fsck or
   * ext3's orphan list does for ext2's crash).
   */
  private void releaseOrphans() {
    synchronized (lock) {
      for (InodeRecord rec : List.copyOf(img.inodes.values())) {
        if (rec.nlink == 0) {
          map.truncate(rec, 0);
          freeInode(rec);
        }
      }
    }
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
      BitSet bm = img.inodeBitmap[group];
      int idx = bm.nextClearBit(0);
      bm.set(idx);
      img.freeInodes[group]--;
      img.freeInodesCount--;
      if (dir) {
        img.usedDirs[group]++;
      }
      meta.dirtyInodeBitmap(group);
      long ino = (long) group * geo.inodesPerGroup + idx + 1;
      InodeRecord rec = new InodeRecord(ino, dir, mode, machine().clock().seconds());
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
      img.inodeBitmap[group].clear(idx);
      img.freeInodes[group]++;
      img.freeInodesCount++;
      if (rec.dir) {
        img.usedDirs[group]--;
      }
      img.inodes.remove(rec.ino);
      icache.remove(rec.ino);
      meta.dirtyInodeBitmap(group);
      meta.dirtyInode(rec.ino);
    }
  }

  // ---- durability ----------------------------------------------------------------------------

  /** Copies the generic inode state into the on-disk records and stores the image durably. */
  void storeImage() {
    synchronized (lock) {
      for (Ext2ishInode i : icache.values()) {
        i.syncRecord();
      }
      dev().storeObject(DiskImage.KEY, img);
      counters.imageStores++;
    }
  }

  /** Writes the metadata blocks of one inode: its dirty indirect blocks and inode table block. */
  void writeInodeMetadata(InodeRecord rec) {
    synchronized (lock) {
      TreeSet<Long> mine = new TreeSet<>();
      map.forEachIndirect(rec, mine::add);
      mine.add(geo.inodeBlock(rec.ino));
      meta.writeSome(dev(), mine);
    }
  }

  /** {@code ext2_sync_fs}: all dirty metadata, the image, then a cache flush. */
  @Override
  public void syncFs(Task task) {
    synchronized (lock) {
      meta.writeAll(dev());
    }
    storeImage();
    dev().flush();
  }

  /** {@code ext2_put_super}: a clean unmount marks the image valid again. */
  @Override
  public void unmount(Task task) {
    synchronized (lock) {
      meta.writeAll(dev());
      img.valid = true;
    }
    storeImage();
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
        BitSet bm = img.blockBitmap[g];
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
