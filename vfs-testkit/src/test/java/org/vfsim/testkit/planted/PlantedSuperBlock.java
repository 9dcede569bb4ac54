package org.vfsim.testkit.planted;

import com.google.common.collect.ImmutableMap;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;

/** The planted filesystem's allocator: a block bitmap and a count of reserved blocks. */
final class PlantedSuperBlock extends SuperBlock {
  final Bug bug;
  private final long nblocks;
  private final BitSet bitmap = new BitSet();
  private final Set<PlantedInode> files = new HashSet<>();
  private final PlantedInode root;
  private long reserved;
  private long nextIno = 2;

  static final String IMAGE = "planted-image";

  final boolean full;
  /** Metadata in device blocks ({@link PlantedBlockLayout}) instead of a durable object. */
  final boolean blocks;
  private final PlantedBlockLayout.Position position = new PlantedBlockLayout.Position();
  /** Blocks the last durable image maps: not reused until an image no longer maps them. */
  private final BitSet pinned = new BitSet();

  PlantedSuperBlock(MountContext ctx, Bug bug, boolean full) {
    this(ctx, bug, full, false);
  }

  PlantedSuperBlock(MountContext ctx, Bug bug, boolean full, boolean blocks) {
    super(ctx);
    this.bug = bug;
    this.full = full || blocks;
    this.blocks = blocks;
    this.nblocks = this.full ? ctx.device().blocks()
        : ctx.options().size("size") / org.vfsim.pagecache.Folio.SIZE;
    Image image = blocks ? PlantedBlockLayout.load(ctx.device(), position, bug)
        : this.full ? DurableObjectStore.<Image>load(ctx.device(), IMAGE) : null;
    this.root = image == null ? new PlantedInode(this, 1, FileType.DIRECTORY, 0755)
        : load(image);
    if (image != null) {
      pin(image, true);
    }
  }

  /** The image of an empty filesystem (mkfs). */
  static Image emptyImage() {
    Image image = new Image();
    InodeImage root = new InodeImage();
    root.type = FileType.DIRECTORY;
    root.mode = 0755;
    image.inodes.put(1L, root);
    image.nextIno = 2;
    return image;
  }

  private synchronized void pin(Image image, boolean replace) {
    if (replace) {
      pinned.clear();
    }
    for (InodeImage ii : image.inodes.values()) {
      ii.blocks.values().forEach(b -> pinned.set((int) (long) b));
    }
  }

  /** The durable metadata: every reachable inode, as a journal commit would hold it. */
  static final class Image implements java.io.Serializable {
    final Map<Long, InodeImage> inodes = new java.util.HashMap<>();
    long nextIno;
  }

  /** One inode of the image. */
  static final class InodeImage implements java.io.Serializable {
    FileType type;
    int mode;
    long size;
    java.util.TreeMap<Long, Long> blocks = new java.util.TreeMap<>();
    java.util.TreeMap<String, Long> entries = new java.util.TreeMap<>();
  }

  private PlantedInode load(Image image) {
    nextIno = image.nextIno;
    Map<Long, PlantedInode> made = new java.util.HashMap<>();
    for (Map.Entry<Long, InodeImage> e : image.inodes.entrySet()) {
      InodeImage ii = e.getValue();
      PlantedInode inode = new PlantedInode(this, e.getKey(), ii.type, ii.mode);
      inode.setSize(ii.size);
      ii.blocks.forEach((idx, b) -> {
        inode.map(idx, b);
        bitmap.set((int) (long) b);
      });
      made.put(e.getKey(), inode);
      if (ii.type == FileType.REGULAR) {
        files.add(inode);
      }
    }
    for (Map.Entry<Long, InodeImage> e : image.inodes.entrySet()) {
      PlantedInode dir = made.get(e.getKey());
      e.getValue().entries.forEach((name, ino) -> dir.restoreEntry(name, made.get(ino)));
    }
    return made.get(1L);
  }

  /** Commits the metadata of everything reachable from the root (fsync, sync, unmount). */
  void persist() {
    if (!full) {
      return;
    }
    if (blocks) {
      Image image = image();
      PlantedBlockLayout.commit(device(), position, image, bug);
      pin(image, true);
      return;
    }
    device().flush(); // data before the metadata that points at it
    DurableObjectStore.store(device(), IMAGE, image());
  }

  /** fsync: the log record in the blocks variant, else a commit. */
  void persistForFsync() {
    if (!blocks) {
      persist();
      return;
    }
    Image image = image();
    PlantedBlockLayout.log(device(), position, image, bug);
    pin(image, false);
  }

  private Image image() {
    Image image = new Image();
    java.util.ArrayDeque<PlantedInode> todo = new java.util.ArrayDeque<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      PlantedInode i = todo.poll();
      InodeImage ii = new InodeImage();
      ii.type = i.type();
      ii.mode = i.mode();
      ii.size = i.size();
      ii.blocks = new java.util.TreeMap<>(i.blockMap());
      if (i.isDirectory()) {
        for (org.vfsim.fs.DirEntry d : i.readdir()) {
          ii.entries.put(d.name(), d.ino());
          todo.add((PlantedInode) i.lookup(d.name()));
        }
      }
      image.inodes.put(i.ino(), ii);
    }
    synchronized (this) {
      image.nextIno = nextIno;
    }
    return image;
  }

  @Override
  public void syncFs(Task task) {
    persist();
  }

  @Override
  public void unmount(Task task) {
    persist();
  }

  /** The planted ordering bug: blocks for every other file's reserved pages, data unwritten. */
  void mapReservedPages(PlantedInode except) {
    List<PlantedInode> others;
    synchronized (this) {
      others = new java.util.ArrayList<>(files);
    }
    for (PlantedInode f : others) {
      if (f == except) {
        continue;
      }
      long pages = (f.size() + Folio.SIZE - 1) >>> Folio.SHIFT;
      for (long i = 0; i < pages; i++) {
        Folio folio = f.mapping().lookup(i);
        if (folio != null && folio.clearFsFlag(PlantedAops.PG_RESERVED)) {
          f.map(i, allocateReserved());
        }
      }
    }
  }

  /** fallocate: takes a block now for a page that has none (and no reservation). */
  long allocateNow(Task task) {
    reserve(task);
    return allocateReserved();
  }

  @Override
  public Inode root() {
    return root;
  }

  synchronized long nextIno() {
    return nextIno++;
  }

  synchronized void fileCreated(PlantedInode i) {
    files.add(i);
  }

  synchronized void fileEvicted(PlantedInode i) {
    files.remove(i);
  }

  /** The allocation call: reserves one block for a page, or ENOSPC (also when injected). */
  void reserve(Task task) {
    machine().hooks().fire(HookPoint.BLOCK_ALLOCATION, task);
    synchronized (this) {
      if (bitmap.cardinality() + reserved >= nblocks) {
        throw Errno.ENOSPC.exception("planted: no free block to reserve");
      }
      reserved++;
    }
  }

  synchronized void unreserve() {
    reserved--;
  }

  /** Writeback turns a page's reservation into a block. */
  synchronized long allocateReserved() {
    reserved--;
    int b = bitmap.nextClearBit(blocks ? PlantedBlockLayout.DATA_START : 0);
    while (pinned.get(b)) {
      b = bitmap.nextClearBit(b + 1);
    }
    bitmap.set(b);
    return b;
  }

  synchronized void free(long block) {
    bitmap.clear((int) block);
  }

  @Override
  public synchronized StatFs statfs() {
    long free = nblocks - bitmap.cardinality() - reserved
        + (bug == Bug.STATFS_FREE_EXCEEDS_TOTAL ? nblocks : 0);
    return new StatFs(0x504c4e54L, blockSize(), nblocks, free, free, 1 << 20, (1 << 20) - nextIno,
        255);
  }

  @Override
  public synchronized ImmutableMap<String, Long> counters() {
    return ImmutableMap.of("blocks_used", (long) bitmap.cardinality(), "blocks_reserved",
        reserved);
  }

  /** Every block a live file maps must be allocated in the bitmap, and nothing else. */
  @Override
  public synchronized FsckReport fsck() {
    FsckReport.Builder r = new FsckReport.Builder();
    BitSet referenced = new BitSet();
    for (PlantedInode f : files) {
      for (Map.Entry<Long, Long> e : f.blockMap().entrySet()) {
        long b = e.getValue();
        r.check(bitmap.get((int) b), "block %d is free in the bitmap but mapped by inode %d page %d",
            b, f.ino(), e.getKey());
        r.check(!referenced.get((int) b), "block %d mapped twice (inode %d page %d)", b, f.ino(),
            e.getKey());
        referenced.set((int) b);
      }
    }
    BitSet leaked = (BitSet) bitmap.clone();
    leaked.andNot(referenced);
    r.check(leaked.isEmpty(), "blocks %s allocated in the bitmap but mapped by no file", leaked);
    r.check(reserved >= 0, "reserved block count %d is negative", reserved);
    return r.build();
  }

  @Override
  public List<long[]> freeSpaceExtents() {
    return List.of();
  }
}
