package org.vfsim.ramfs;

import com.google.common.collect.ImmutableMap;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;

/** A mounted ramfs: an inode number counter and the count of pages its files hold. */
final class RamfsSuperBlock extends org.vfsim.fs.SuperBlock {
  static final long RAMFS_MAGIC = 0x858458f6L;

  private final long limitPages;
  private final RamfsInode root;
  private final java.util.Set<RamfsInode> files = new java.util.HashSet<>();
  private long nextIno = 2;
  private long usedPages;
  private long highWater;

  RamfsSuperBlock(MountContext ctx) {
    super(ctx);
    long size = ctx.options().size("size");
    this.limitPages = size < 0 ? Long.MAX_VALUE : size / Folio.SIZE;
    this.root = new RamfsInode(this, 1, FileType.DIRECTORY, 0755);
  }

  @Override
  public Inode root() {
    return root;
  }

  synchronized long nextIno() {
    return nextIno++;
  }

  synchronized void fileCreated(RamfsInode inode) {
    files.add(inode);
  }

  synchronized void fileEvicted(RamfsInode inode) {
    files.remove(inode);
  }

  private synchronized java.util.List<RamfsInode> liveFiles() {
    return java.util.List.copyOf(files);
  }

  /** Charges one page to the size limit, or fails with ENOSPC. */
  synchronized void chargePage() {
    if (usedPages >= limitPages) {
      throw Errno.ENOSPC.exception("ramfs size limit of " + limitPages + " pages");
    }
    usedPages++;
    highWater = Math.max(highWater, usedPages);
  }

  synchronized void unchargePage() {
    usedPages--;
  }

  synchronized long usedPages() {
    return usedPages;
  }

  @Override
  public synchronized StatFs statfs() {
    long total = limitPages == Long.MAX_VALUE ? usedPages : limitPages;
    return new StatFs(RAMFS_MAGIC, Folio.SIZE, total, total - usedPages, total - usedPages,
        nextIno, Long.MAX_VALUE - nextIno, 255);
  }

  @Override
  public synchronized ImmutableMap<String, Long> counters() {
    return ImmutableMap.of("pages_used", usedPages, "pages_high_water", highWater);
  }

  @Override
  public FsckReport fsck() {
    FsckReport.Builder r = new FsckReport.Builder();
    long counted = 0;
    for (RamfsInode f : liveFiles()) {
      counted += f.countChargedPages();
    }
    long used = usedPages();
    r.check(counted == used, "ramfs: %d pages charged but %d pages held by files", used, counted);
    r.check(used >= 0 && used <= limitPages, "ramfs: page count %d outside [0, %d]", used,
        limitPages);
    return r.build();
  }
}
