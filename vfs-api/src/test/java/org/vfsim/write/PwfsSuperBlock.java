package org.vfsim.write;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;

/**
 * pwfs's space accounting in page-sized units: a written page holds one unit for its data, and
 * while it is dirty one more (the worst-case metadata that writeback will need, as a delalloc
 * reservation does); writeback gives that second unit back. A write reserves two units per page
 * up front, so {@code free + used + reserved == total} always, and {@code reserved} is zero
 * between system calls.
 */
final class PwfsSuperBlock extends org.vfsim.fs.SuperBlock {
  final long totalUnits;
  final long maxBytes;
  final PwfsType.Variant variant;
  final boolean flushOnEnospc;
  final PwfsAops aops = new PwfsAops(this);
  private final PwfsInode root;
  private final Set<PwfsInode> files = new HashSet<>();
  private long nextIno = 2;
  private long used;
  private long reserved;
  private long enospcFlushes;
  /** Called with the operation's name at the start of each file operation (tests stage races). */
  volatile java.util.function.BiConsumer<String, Task> inFileOp = (op, t) -> {};

  PwfsSuperBlock(MountContext ctx) {
    super(ctx);
    long size = ctx.options().size("size");
    this.totalUnits = size < 0 ? Long.MAX_VALUE / 4 : size / Folio.SIZE;
    long mb = ctx.options().size("maxbytes");
    this.maxBytes = mb < 0 ? Long.MAX_VALUE : mb;
    this.variant = PwfsType.Variant.valueOf(ctx.options().text("variant").toUpperCase(Locale.ROOT));
    this.flushOnEnospc = !ctx.options().flag("noflush");
    this.root = new PwfsInode(this, 1, FileType.DIRECTORY, 0755);
  }

  @Override
  public Inode root() {
    return root;
  }

  @Override
  public long maxBytes() {
    return maxBytes;
  }

  synchronized long nextIno() {
    return nextIno++;
  }

  synchronized void fileCreated(PwfsInode f) {
    files.add(f);
  }

  synchronized void fileEvicted(PwfsInode f) {
    files.remove(f);
  }

  synchronized List<PwfsInode> liveFiles() {
    return new ArrayList<>(files);
  }

  /**
   * Reserves up to {@code want} units, at least {@code min}; writes dirty data back once to make
   * space if that could help. The allocator hook may inject ENOSPC. Returns the units granted.
   */
  long reserve(Task task, long want, long min, boolean mayFlush) {
    machine().hooks().fire(HookPoint.BLOCK_ALLOCATION, task);
    long got = tryReserve(want, min);
    if (got == 0 && mayFlush && flushOnEnospc && machine().pageCache().stats().nrDirty() > 0) {
      // Writeback turns the metadata half of every dirty page's charge back into free space.
      synchronized (this) {
        enospcFlushes++;
      }
      for (PwfsInode f : liveFiles()) {
        Mapping m = f.mapping();
        machine().pageCache().writeback(task, m, WritebackControl.syncAll(WritebackControl.Reason.SYNC));
        m.waitWritebackRange(0, Long.MAX_VALUE);
      }
      got = tryReserve(want, min);
    }
    if (got == 0) {
      throw Errno.ENOSPC.exception("pwfs: " + free() + " units free, need " + min);
    }
    return got;
  }

  private synchronized long tryReserve(long want, long min) {
    long free = totalUnits - used - reserved;
    long got = Math.min(want, free);
    if (got < min) {
      return 0;
    }
    reserved += got;
    return got;
  }

  synchronized long free() {
    return totalUnits - used - reserved;
  }

  /** Turns {@code n} reserved units into used ones (a page was dirtied or allocated). */
  synchronized void consume(long n) {
    if (n > reserved) {
      throw new IllegalStateException("consume " + n + " > reserved " + reserved);
    }
    reserved -= n;
    used += n;
  }

  synchronized void unreserve(long n) {
    if (n > reserved) {
      throw new IllegalStateException("unreserve " + n + " > reserved " + reserved);
    }
    reserved -= n;
  }

  synchronized void free(long n) {
    used -= n;
  }

  synchronized long used() {
    return used;
  }

  synchronized long reserved() {
    return reserved;
  }

  @Override
  public synchronized StatFs statfs() {
    return new StatFs(0x70776673L, Folio.SIZE, totalUnits, free(), free(), nextIno,
        Long.MAX_VALUE - nextIno, 255);
  }

  @Override
  public synchronized ImmutableMap<String, Long> counters() {
    return ImmutableMap.of("units_used", used, "units_reserved", reserved, "enospc_flushes",
        enospcFlushes);
  }

  @Override
  public FsckReport fsck() {
    FsckReport.Builder r = new FsckReport.Builder();
    long counted = 0;
    for (PwfsInode f : liveFiles()) {
      counted += f.checkAndCountUnits(r);
    }
    long u = used();
    long res = reserved();
    r.check(res == 0, "pwfs: %d units still reserved with no write in progress", res);
    r.check(counted == u, "pwfs: %d units used but files account for %d", u, counted);
    r.check(free() >= 0 && free() + u + res == totalUnits, "pwfs: free %d + used %d + reserved %d != %d",
        free(), u, res, totalUnits);
    return r.build();
  }
}
