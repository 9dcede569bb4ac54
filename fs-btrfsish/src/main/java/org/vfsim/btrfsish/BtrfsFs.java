package org.vfsim.btrfsish;

import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.fs.FileType;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.SimulatedClock;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

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
  private static final int ITEM_HEADER = 25;
  private static final int NODE_HEADER = 101;
  private static final int KEY_PTRS_PER_NODE = 121;

  final Layout layout;
  final int sectorSize;
  final BlockDevice device;
  final boolean nodatacow;
  final int maxChunkPages;
  private final int devBlocksPerSector;

  final SpaceInfo data;
  final SpaceInfo meta;
  private final FreeSpace freeSpace;
  private final TreeMap<Long, DiskExtent> extents;
  private final TreeMap<Long, Integer> csums;
  private final List<long[]> pinned = new ArrayList<>();
  private final Map<Long, BtrfsInode> inodes = new HashMap<>();
  private long nextIno;
  private long generation;
  private @Nullable LogTree log;
  /** Inodes the last commit holds: fsync also logs new ancestors not among them. */
  private final java.util.Set<Long> committedInos = new java.util.HashSet<>();
  private long metaCursor;
  private long fsDirtyItems;
  private final java.util.Set<Long> fsDirty = new java.util.HashSet<>();
  private final java.util.Set<Long> extDirty = new java.util.HashSet<>();
  private final java.util.Set<Long> csumDirty = new java.util.HashSet<>();
  private final SimulatedClock.Timer commitTimer;
  private boolean dead;
  final Counters counters = new Counters();
  /** How perform_write copies; tests swap in the 2010 variant. */
  volatile BufferedWrite.CopyStep copyStep = BufferedWrite.ATOMIC;
  /** Tests compare perform_write with the generic loop over write_begin/write_end. */
  volatile boolean genericWriteForTest;

  BtrfsFs(MountContext ctx, CommitRoot root, @Nullable LogTree logTree) {
    super(ctx);
    this.device = ctx.device();
    this.layout = root.layout;
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
    this.extents = root.extents;
    this.csums = root.csums;
    this.nextIno = root.nextIno;
    this.generation = root.generation;
    this.metaCursor = layout.metaStart();
    boolean replayed = logTree != null && logTree.parentGeneration == root.generation;
    if (replayed) {
      replayLog(root, logTree);
    }
    // Orphan cleanup: inodes that lost their last link before the crash go away now.
    root.inodes.values().removeIf(i -> i.nlink <= 0 && i.ino != FIRST_FREE_INO);
    recountRefs(root);
    this.freeSpace = new FreeSpace(layout.dataStart(), layout.dataEnd());
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
    for (InodeItem item : root.inodes.values()) {
      inodes.put(item.ino, new BtrfsInode(this, item));
      committedInos.add(item.ino);
    }
    meta.used = metadataNodes() * layout.nodeSize();
    commitTimer = machine().clock().scheduleAtFixedRate(Duration.ofSeconds(commit),
        this::periodicCommit);
    if (replayed) {
      commitTransaction(); // btrfs commits right after replaying a log
    }
  }

  // ---- log replay and reference counts -------------------------------------------------------

  private static void replayLog(CommitRoot root, LogTree log) {
    root.inodes.putAll(log.inodes);
    log.names.forEach((ino, links) -> links.forEach((name, parent) -> {
      InodeItem dir = root.inodes.get(parent);
      if (dir != null && dir.type == FileType.DIRECTORY) {
        dir.entries.put(name, ino);
      }
    }));
    log.extents.forEach((bytenr, len) -> root.extents.computeIfAbsent(bytenr,
        b -> new DiskExtent(b, len)));
    root.csums.putAll(log.csums);
    // A logged directory may name children that neither the commit nor the log holds.
    for (InodeItem dir : root.inodes.values()) {
      dir.entries.values().removeIf(ino -> !root.inodes.containsKey(ino));
    }
  }

  /** Rebuilds every extent's backrefs from the file extent items and drops unreferenced ones. */
  private static void recountRefs(CommitRoot root) {
    root.extents.values().forEach(e -> e.refs.clear());
    for (InodeItem i : root.inodes.values()) {
      i.items.forEach((k, it) -> {
        DiskExtent e = root.extents.get(it.diskBytenr());
        if (e != null) {
          e.refs.merge(new DataRef(i.ino, it.backrefBase(k)), 1, Integer::sum);
        }
      });
    }
    List<DiskExtent> dead = new ArrayList<>();
    root.extents.values().stream().filter(e -> e.refs.isEmpty()).forEach(dead::add);
    for (DiskExtent e : dead) {
      root.extents.remove(e.bytenr);
      root.csums.subMap(e.bytenr, e.end()).clear();
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
    fsDirty.add(item.ino << 20);
    fsDirtyItems++;
    return inode;
  }

  /** {@code evict_inode}: the inode has no links and no users; its extents lose their references. */
  synchronized void evictInode(BtrfsInode inode) {
    dropExtents(inode, 0, Long.MAX_VALUE);
    for (long s : new ArrayList<>(inode.delalloc.keySet())) {
      clearDelalloc(inode, s, true);
    }
    inodes.remove(inode.ino());
  }

  synchronized List<BtrfsInode> liveInodes() {
    return new ArrayList<>(inodes.values());
  }

  // ---- reservations (btrfs_delalloc_reserve_space and friends) ------------------------------

  /**
   * Reserves {@code dataBytes} of data space and metadata for {@code sectors} dirtied sectors.
   * When they do not fit, flushes delalloc (writeback turns may_use into used and frees old
   * extents into pinned) and commits the transaction (pinned becomes free), then tries once
   * more before ENOSPC. Call with no folio locked.
   */
  void reserveDelalloc(Task task, long dataBytes, long sectors) {
    if (tryReserve(dataBytes, sectors)) {
      return;
    }
    synchronized (this) {
      counters.enospcFlushes++;
    }
    flushDelalloc(task);
    commitTransaction();
    if (tryReserve(dataBytes, sectors)) {
      return;
    }
    synchronized (this) {
      counters.enospc++;
    }
    throw Errno.ENOSPC.exception("btrfsish: " + dataBytes + " bytes of data space do not fit: "
        + data);
  }

  /** Reserves without flushing (page_mkwrite holds a folio lock and cannot flush). */
  synchronized boolean tryReserve(long dataBytes, long sectors) {
    long metaBytes = sectors * META_RSV_PER_SECTOR;
    if (data.unclaimed() < dataBytes || meta.unclaimed() < metaBytes) {
      return false;
    }
    data.mayUse += dataBytes;
    meta.mayUse += metaBytes;
    counters.reservations++;
    counters.dataReservedBytes += dataBytes;
    counters.metaReservedBytes += metaBytes;
    return true;
  }

  synchronized void releaseReservation(long dataBytes, long sectors) {
    long metaBytes = sectors * META_RSV_PER_SECTOR;
    checkState(data.mayUse >= dataBytes && meta.mayUse >= metaBytes, "release beyond may_use");
    data.mayUse -= dataBytes;
    meta.mayUse -= metaBytes;
    if (dataBytes > 0 || metaBytes > 0) {
      counters.releases++;
      counters.dataReleasedBytes += dataBytes;
      counters.metaReleasedBytes += metaBytes;
    }
  }

  /** Writes back every dirty file of this filesystem and waits ({@code btrfs_start_delalloc_roots}). */
  void flushDelalloc(Task task) {
    for (BtrfsInode i : liveInodes()) {
      Mapping m = i.mapping();
      if (m.nrDirty() > 0) {
        machine().pageCache().writeback(task, m,
            WritebackControl.syncAll(WritebackControl.Reason.SYNC));
        m.waitWritebackRange(0, Long.MAX_VALUE);
      }
    }
  }

  /**
   * {@code btrfs_set_extent_delalloc}: sectors become delalloc. A sector that already was keeps
   * one reservation: the new one is released (btrfs clears the old accounting instead; the
   * totals are the same).
   */
  synchronized void markDelalloc(BtrfsInode inode, long firstSector, long n, boolean reserved) {
    for (long s = firstSector; s < firstSector + n; s++) {
      Boolean prev = inode.delalloc.get(s);
      if (prev == null) {
        inode.delalloc.put(s, reserved);
        continue;
      }
      if (reserved && prev) {
        releaseReservation(sectorSize, 1);
      } else if (reserved) {
        inode.delalloc.put(s, true);
        releaseReservation(0, 1);
      } else {
        releaseReservation(0, 1);
      }
    }
  }

  /** Clears one delalloc sector, releasing its metadata and, if asked, its data reservation. */
  synchronized void clearDelalloc(BtrfsInode inode, long sector, boolean releaseData) {
    Boolean reserved = inode.delalloc.remove(sector);
    if (reserved == null) {
      return;
    }
    releaseReservation(reserved && releaseData ? sectorSize : 0, 1);
  }

  synchronized boolean isDelalloc(BtrfsInode inode, long sector) {
    return inode.delalloc.containsKey(sector);
  }

  // ---- allocation ------------------------------------------------------------------------------

  /**
   * One allocator call: fires {@link HookPoint#BLOCK_ALLOCATION} (an ENOSPC it throws means no
   * space), then takes up to {@code want} bytes (at least {@code min}) at the shared cursor.
   * The bytes become {@code reserved} until the write completes. Returns {start, len} or null.
   */
  private long @Nullable [] allocate(Task task, long want, long min) {
    counters.allocCalls++;
    try {
      machine().hooks().fire(HookPoint.BLOCK_ALLOCATION, task);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENOSPC) {
        counters.allocFailures++;
        return null;
      }
      throw e;
    }
    long[] got = freeSpace.find(want, min);
    if (got == null) {
      counters.allocFailures++;
      return null;
    }
    freeSpace.remove(got[0], got[1]);
    freeSpace.advanceCursor(got[0] + got[1]);
    data.reserved += got[1];
    return got;
  }

  /** The allocated bytes now hold their data: reserved becomes used and the extent item exists. */
  private DiskExtent completeAllocation(long bytenr, long len) {
    data.reserved -= len;
    data.used += len;
    DiskExtent e = new DiskExtent(bytenr, len);
    extents.put(bytenr, e);
    extDirty.add(bytenr >>> 24);
    return e;
  }

  // ---- file extent items -----------------------------------------------------------------------

  private void ref(BtrfsInode inode, long key, FileExtentItem it, int delta) {
    DiskExtent e = extents.get(it.diskBytenr());
    checkState(e != null, "item at %s of inode %s points at no extent %s", key, inode.ino(), it);
    DataRef r = new DataRef(inode.ino(), it.backrefBase(key));
    int n = e.refs.getOrDefault(r, 0) + delta;
    checkState(n >= 0, "negative backref count for %s", r);
    if (n == 0) {
      e.refs.remove(r);
    } else {
      e.refs.put(r, n);
    }
    extDirty.add(e.bytenr >>> 24);
    if (e.refs.isEmpty()) {
      freeExtent(e);
    }
  }

  /** Nothing references any part of the extent: it is freed, but pinned until the commit. */
  private void freeExtent(DiskExtent e) {
    extents.remove(e.bytenr);
    data.used -= e.numBytes;
    data.pinned += e.numBytes;
    pinned.add(new long[] {e.bytenr, e.numBytes});
    if (!csums.subMap(e.bytenr, e.end()).isEmpty()) {
      csums.subMap(e.bytenr, e.end()).clear();
      csumDirty.add(e.bytenr / (sectorSize * csumsPerLeaf()));
    }
    counters.extentsFreed++;
    counters.bytesPinned += e.numBytes;
  }

  private void putItem(BtrfsInode inode, long key, FileExtentItem it) {
    inode.item.items.put(key, it);
    fsDirty.add((inode.ino() << 20) ^ (key >>> 20));
    fsDirtyItems++;
    ref(inode, key, it, 1);
  }

  private void removeItem(BtrfsInode inode, long key) {
    FileExtentItem it = inode.item.items.remove(key);
    fsDirty.add((inode.ino() << 20) ^ (key >>> 20));
    fsDirtyItems++;
    ref(inode, key, it, -1);
  }

  /**
   * {@code btrfs_drop_extents}: no item covers {@code [start, end)} afterwards. An item that
   * straddles an end is trimmed, and one that spans the whole range is split in two pieces that
   * both reference the old extent, which therefore stays fully allocated.
   */
  synchronized void dropExtents(BtrfsInode inode, long start, long end) {
    TreeMap<Long, FileExtentItem> items = inode.item.items;
    List<Long> keys = new ArrayList<>();
    Long first = items.floorKey(start);
    if (first != null && first + items.get(first).numBytes() > start) {
      keys.add(first);
    }
    keys.addAll(items.subMap(start, false, end, false).keySet());
    if (items.containsKey(start) && !keys.contains(start)) {
      keys.add(start);
    }
    for (long k : keys) {
      FileExtentItem it = items.get(k);
      long ie = k + it.numBytes();
      if (ie <= start || k >= end) {
        continue;
      }
      // New pieces take their references before the old item drops its own, so an extent
      // that stays referenced is never freed in between.
      if (k < start) {
        putItemReplacing(inode, k, it.slice(0, start - k), it);
      }
      if (ie > end) {
        putItem(inode, end, it.slice(end - k, ie - end));
      }
      if (k >= start) {
        removeItem(inode, k);
      }
    }
  }

  /** Replaces the item at {@code key} by {@code piece} (same key), keeping the extent alive. */
  private void putItemReplacing(BtrfsInode inode, long key, FileExtentItem piece,
      FileExtentItem old) {
    ref(inode, key, piece, 1);
    inode.item.items.put(key, piece);
    fsDirty.add((inode.ino() << 20) ^ (key >>> 20));
    fsDirtyItems++;
    ref(inode, key, old, -1);
  }

  /** The item covering file offset {@code pos}, or null. */
  synchronized Map.@Nullable Entry<Long, FileExtentItem> itemAt(BtrfsInode inode, long pos) {
    Map.Entry<Long, FileExtentItem> e = inode.item.items.floorEntry(pos);
    return e != null && e.getKey() + e.getValue().numBytes() > pos ? e : null;
  }

  /**
   * How many bytes from sector-aligned {@code pos} (up to {@code len}) can be written in place
   * ({@code can_nocow_extent}): covered by an item of an unshared extent that is preallocated,
   * or regular in a NODATACOW inode with no checksums to keep consistent.
   */
  synchronized long nocowLength(BtrfsInode inode, long pos, long len) {
    long done = 0;
    while (done < len) {
      Map.Entry<Long, FileExtentItem> e = itemAt(inode, pos + done);
      if (e == null) {
        break;
      }
      FileExtentItem it = e.getValue();
      if (!it.prealloc() && !inode.item.has(InodeItem.FLAG_NODATACOW)) {
        break;
      }
      DiskExtent ext = extents.get(it.diskBytenr());
      if (ext == null || ext.shared()) {
        break;
      }
      long delta = pos + done - e.getKey();
      long n = Math.min(it.numBytes() - delta, len - done);
      long phys = it.diskByteAt(delta);
      if (!it.prealloc() && !csums.subMap(phys, phys + n).isEmpty()) {
        break;
      }
      done += n;
    }
    return done;
  }

  // ---- writeback -------------------------------------------------------------------------------

  /**
   * {@code cow_file_range} and the ordered-extent completion for a run of contiguous dirty
   * pages: allocates new extents at the shared cursor (may_use becomes reserved), writes the
   * data, then points the file's items at the new extents (reserved becomes used) and drops
   * the old items' references.
   */
  synchronized void writeCow(Task task, BtrfsInode inode, List<Folio> run) {
    int done = 0;
    long unreserved = 0;
    for (Folio f : run) {
      if (!Boolean.TRUE.equals(inode.delalloc.get(f.index()))) {
        unreserved += sectorSize;
      }
    }
    if (unreserved > data.unclaimed()) {
      failPages(inode, run, 0, run.size(), Errno.ENOSPC);
      return;
    }
    while (done < run.size()) {
      long want = Math.min((long) (run.size() - done) * sectorSize, MAX_EXTENT);
      long[] got = allocate(task, want, sectorSize);
      if (got == null) {
        failPages(inode, run, done, run.size(), Errno.ENOSPC);
        return;
      }
      int pages = (int) (got[1] / sectorSize);
      for (int p = done; p < done + pages; p++) {
        if (Boolean.TRUE.equals(inode.delalloc.get(run.get(p).index()))) {
          data.mayUse -= sectorSize; // the reservation is now this allocation
          inode.delalloc.put(run.get(p).index(), false);
        }
      }
      byte[] buf = new byte[pages * sectorSize];
      for (int p = 0; p < pages; p++) {
        System.arraycopy(run.get(done + p).data(), 0, buf, p * sectorSize, sectorSize);
      }
      try {
        device.write(got[0] / device.blockSize(), buf, 0, pages * devBlocksPerSector, IoKind.DATA,
            false);
      } catch (ErrnoException e) {
        // The ordered extent failed: the new extent is returned at once, the items stay.
        data.reserved -= got[1];
        freeSpace.add(got[0], got[1]);
        failPages(inode, run, done, done + pages, Errno.EIO);
        done += pages;
        continue;
      }
      completeAllocation(got[0], got[1]);
      long pos = run.get(done).pos();
      dropExtents(inode, pos, pos + got[1]);
      putItem(inode, pos, new FileExtentItem(got[0], got[1], 0, got[1], false));
      if (!inode.item.has(InodeItem.FLAG_NODATASUM)) {
        addCsums(got[0], buf, pages);
      }
      for (int p = done; p < done + pages; p++) {
        clearDelalloc(inode, run.get(p).index(), false);
      }
      counters.cowAllocations++;
      counters.cowBytes += got[1];
      done += pages;
    }
  }

  /** {@code run_delalloc_nocow}: writes a page in place; its data reservation is not needed. */
  synchronized void writeNocow(Task task, BtrfsInode inode, Folio folio) {
    Map.Entry<Long, FileExtentItem> e = itemAt(inode, folio.pos());
    checkState(e != null, "nocow write without an item at %s", folio.pos());
    FileExtentItem it = e.getValue();
    long phys = it.diskByteAt(folio.pos() - e.getKey());
    try {
      device.write(phys / device.blockSize(), folio.data(), 0, devBlocksPerSector, IoKind.DATA,
          false);
    } catch (ErrnoException ex) {
      failPages(inode, List.of(folio), 0, 1, Errno.EIO);
      return;
    }
    if (it.prealloc()) {
      markWritten(inode, folio.pos(), sectorSize);
    }
    if (!inode.item.has(InodeItem.FLAG_NODATASUM)) {
      addCsums(phys, folio.data(), 1);
    }
    clearDelalloc(inode, folio.index(), true);
    counters.nocowWrites++;
  }

  /**
   * {@code btrfs_mark_extent_written}: the written part of a preallocated item becomes a regular
   * item; the rest stays preallocated; a regular neighbour of the same extent is merged.
   */
  private void markWritten(BtrfsInode inode, long pos, long len) {
    Map.Entry<Long, FileExtentItem> e = itemAt(inode, pos);
    long k = e.getKey();
    FileExtentItem it = e.getValue();
    long ie = k + it.numBytes();
    FileExtentItem mid = it.slice(pos - k, len).written();
    if (pos > k) {
      putItemReplacing(inode, k, it.slice(0, pos - k), it);
      putItem(inode, pos, mid);
    } else {
      putItemReplacing(inode, k, mid, it);
    }
    if (pos + len < ie) {
      putItem(inode, pos + len, it.slice(pos + len - k, ie - pos - len));
    }
    mergeWithPrevious(inode, pos);
    Map.Entry<Long, FileExtentItem> next = inode.item.items.higherEntry(pos);
    if (next != null) {
      mergeWithPrevious(inode, next.getKey());
    }
  }

  private void mergeWithPrevious(BtrfsInode inode, long key) {
    FileExtentItem it = inode.item.items.get(key);
    Map.Entry<Long, FileExtentItem> prev = inode.item.items.lowerEntry(key);
    if (it == null || prev == null) {
      return;
    }
    FileExtentItem p = prev.getValue();
    if (prev.getKey() + p.numBytes() == key && p.diskBytenr() == it.diskBytenr()
        && p.offset() + p.numBytes() == it.offset() && p.prealloc() == it.prealloc()) {
      FileExtentItem merged = new FileExtentItem(p.diskBytenr(), p.diskNumBytes(), p.offset(),
          p.numBytes() + it.numBytes(), p.prealloc());
      putItemReplacing(inode, prev.getKey(), merged, p);
      removeItem(inode, key);
    }
  }

  /** A failed writeback: the pages lose their data (as btrfs cleans them with an error). */
  private void failPages(BtrfsInode inode, List<Folio> run, int from, int to, Errno err) {
    for (int p = from; p < to; p++) {
      Folio f = run.get(p);
      f.setError();
      clearDelalloc(inode, f.index(), true);
    }
    inode.mapping().setWritebackError(err);
    counters.writebackErrors++;
  }

  private void addCsums(long bytenr, byte[] buf, int sectors) {
    if (device.dataless()) {
      return;
    }
    for (int s = 0; s < sectors; s++) {
      CRC32C crc = new CRC32C();
      crc.update(buf, s * sectorSize, sectorSize);
      long at = bytenr + (long) s * sectorSize;
      csums.put(at, (int) crc.getValue());
      csumDirty.add(at / ((long) sectorSize * csumsPerLeaf()));
    }
  }

  // ---- read ------------------------------------------------------------------------------------

  /** {@code btrfs_read_folio}: holes, preallocated ranges and bytes past EOF read as zeros; data is checked against its crc32c. */
  void readPage(Task task, BtrfsInode inode, Folio folio) {
    byte[] d = folio.data();
    long pos = folio.pos();
    long size = inode.size();
    long phys = -1;
    Integer expected = null;
    if (pos < size) {
      synchronized (this) {
        Map.Entry<Long, FileExtentItem> e = itemAt(inode, pos);
        if (e != null && !e.getValue().prealloc()) {
          phys = e.getValue().diskByteAt(pos - e.getKey());
          expected = csums.get(phys);
        }
      }
    }
    if (phys < 0) {
      folio.zero(0, Folio.SIZE);
    } else {
      device.read(phys / device.blockSize(), d, 0, devBlocksPerSector, IoKind.DATA);
      if (expected != null && !device.dataless()) {
        CRC32C crc = new CRC32C();
        crc.update(d, 0, sectorSize);
        if ((int) crc.getValue() != expected) {
          synchronized (this) {
            counters.csumErrors++;
          }
          throw Errno.EIO.exception(String.format(
              "csum failed ino %d off %d csum 0x%08x expected 0x%08x", inode.ino(), pos,
              (int) crc.getValue(), expected));
        }
      }
      if (size - pos < Folio.SIZE) {
        folio.zero((int) (size - pos), Folio.SIZE);
      }
    }
    folio.markUptodate();
  }

  // ---- fallocate and reflink --------------------------------------------------------------------

  /**
   * {@code btrfs_prealloc_file_range}: allocates preallocated extents for the holes in
   * {@code [start, end)} (sector aligned); ENOSPC, after a flush and commit, if they do not fit.
   */
  void preallocate(Task task, BtrfsInode inode, long start, long end) {
    if (!holesFit(inode, start, end)) {
      flushDelalloc(task);
      commitTransaction();
      if (!holesFit(inode, start, end)) {
        synchronized (this) {
          counters.enospc++;
        }
        throw Errno.ENOSPC.exception("btrfsish: fallocate does not fit: " + data);
      }
    }
    synchronized (this) {
      for (long[] hole : holes(inode, start, end)) {
        long at = hole[0];
        while (at < hole[1]) {
          long[] got = allocate(task, Math.min(hole[1] - at, MAX_EXTENT), sectorSize);
          if (got == null) {
            throw Errno.ENOSPC.exception("btrfsish: allocation failed in fallocate");
          }
          completeAllocation(got[0], got[1]);
          putItem(inode, at, new FileExtentItem(got[0], got[1], 0, got[1], true));
          counters.preallocBytes += got[1];
          at += got[1];
        }
      }
    }
  }

  private synchronized boolean holesFit(BtrfsInode inode, long start, long end) {
    long need = 0;
    for (long[] h : holes(inode, start, end)) {
      need += h[1] - h[0];
    }
    return need <= data.unclaimed();
  }

  private List<long[]> holes(BtrfsInode inode, long start, long end) {
    List<long[]> out = new ArrayList<>();
    long at = start;
    while (at < end) {
      Map.Entry<Long, FileExtentItem> e = itemAt(inode, at);
      if (e != null) {
        at = e.getKey() + e.getValue().numBytes();
        continue;
      }
      Long next = inode.item.items.higherKey(at);
      long holeEnd = next == null ? end : Math.min(end, next);
      out.add(new long[] {at, holeEnd});
      at = holeEnd;
    }
    return out;
  }

  /** {@code btrfs_clone}: the destination range references the source's extents. */
  synchronized void cloneRange(BtrfsInode src, long srcOff, BtrfsInode dst, long dstOff,
      long len) {
    List<Object[]> slices = new ArrayList<>();
    long end = srcOff + len;
    Map.Entry<Long, FileExtentItem> e = itemAt(src, srcOff);
    long from = e != null ? e.getKey() : srcOff;
    for (Map.Entry<Long, FileExtentItem> x : src.item.items.tailMap(from, true).entrySet()) {
      long k = x.getKey();
      FileExtentItem it = x.getValue();
      if (k >= end) {
        break;
      }
      long s = Math.max(k, srcOff);
      long t = Math.min(k + it.numBytes(), end);
      if (t > s) {
        slices.add(new Object[] {dstOff + (s - srcOff), it.slice(s - k, t - s)});
      }
    }
    dropExtents(dst, dstOff, dstOff + len);
    for (Object[] sl : slices) {
      putItem(dst, (Long) sl[0], (FileExtentItem) sl[1]);
    }
    counters.clones++;
  }

  // ---- transactions and the log ---------------------------------------------------------------

  private void periodicCommit() {
    synchronized (this) {
      if (dead) {
        commitTimer.cancel();
        return;
      }
    }
    commitTransaction();
  }

  /**
   * {@code btrfs_commit_transaction}: writes the COWed tree nodes, flushes the device so that
   * every data block the new roots reference is durable, stores the new roots and writes the
   * superblock with FUA. Pinned extents become free; the log tree is obsolete.
   */
  synchronized void commitTransaction() {
    if (dead) {
      return;
    }
    long nodes = dirtyNodes();
    writeMetadataNodes(nodes);
    device.flush();
    CommitRoot root = new CommitRoot();
    root.generation = generation + 1;
    root.nextIno = nextIno;
    root.layout = layout;
    for (BtrfsInode i : inodes.values()) {
      root.inodes.put(i.ino(), i.snapshot(i.diskIsize()));
    }
    root.extents = extents;
    root.csums = csums;
    device.storeObject(CommitRoot.KEY, root);
    device.writeMetadata(layout.superBytenr() / device.blockSize(), devBlocksPerSector, true);
    counters.metadataBlocksWritten += devBlocksPerSector;
    committedInos.clear();
    committedInos.addAll(inodes.keySet());
    device.removeObject(LogTree.KEY);
    log = null;
    generation++;
    for (long[] p : pinned) {
      freeSpace.add(p[0], p[1]);
      data.pinned -= p[1];
    }
    pinned.clear();
    fsDirty.clear();
    extDirty.clear();
    csumDirty.clear();
    fsDirtyItems = 0;
    meta.used = Math.min(meta.total, metadataNodes() * layout.nodeSize());
    counters.commits++;
  }

  /**
   * fsync's log-tree path ({@code btrfs_log_inode}): after the data was written back, logs the
   * inode, its file extent items, the extents and checksums they need and its names, flushes
   * the device (the data first) and makes the log durable; a power cut replays it.
   */
  synchronized void logInode(BtrfsInode inode) {
    if (dead) {
      return;
    }
    if (log == null) {
      log = new LogTree();
      log.parentGeneration = generation;
    }
    InodeItem copy = inode.snapshot(inode.diskIsize()).copy();
    log.inodes.put(inode.ino(), copy);
    log.names.put(inode.ino(), linksOf(inode.ino()));
    // btrfs_log_all_parents / log_new_ancestors: a directory created since the last commit
    // must be logged too, or the fsynced file would have no path after a replay.
    java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(log.names.get(inode.ino()).values());
    while (!todo.isEmpty()) {
      long dir = todo.poll();
      if (committedInos.contains(dir) || log.inodes.containsKey(dir)) {
        continue;
      }
      BtrfsInode d = inodes.get(dir);
      if (d == null) {
        continue;
      }
      log.inodes.put(dir, d.snapshot(d.size()).copy());
      Map<String, Long> up = linksOf(dir);
      log.names.put(dir, up);
      todo.addAll(up.values());
    }
    long csumCount = 0;
    for (FileExtentItem it : copy.items.values()) {
      log.extents.put(it.diskBytenr(), it.diskNumBytes());
      long phys = it.diskByteAt(0);
      Map<Long, Integer> sub = csums.subMap(phys, phys + it.numBytes());
      log.csums.putAll(sub);
      csumCount += sub.size();
    }
    device.flush();
    long leaves = ceilDiv(copy.items.size() + 2, fsItemsPerLeaf())
        + ceilDiv(csumCount, csumsPerLeaf());
    writeMetadataNodes(leaves);
    device.storeObject(LogTree.KEY, log);
    device.writeMetadata(layout.superBytenr() / device.blockSize(), devBlocksPerSector, true);
    counters.metadataBlocksWritten += devBlocksPerSector;
    counters.logSyncs++;
  }

  /** The names (directory entries) that link {@code ino}, as name to parent. */
  private Map<String, Long> linksOf(long ino) {
    Map<String, Long> links = new HashMap<>();
    for (BtrfsInode dir : inodes.values()) {
      if (dir.isDirectory()) {
        dir.item.entries.forEach((name, child) -> {
          if (child == ino) {
            links.put(name, dir.ino());
          }
        });
      }
    }
    return links;
  }

  private void writeMetadataNodes(long nodes) {
    long nodeBlocks = layout.nodeSize() / device.blockSize();
    for (long n = 0; n < nodes; n++) {
      if (metaCursor + layout.nodeSize() > layout.metaStart() + layout.metaBytes()) {
        metaCursor = layout.metaStart();
      }
      device.writeMetadata(metaCursor / device.blockSize(), nodeBlocks, false);
      metaCursor += layout.nodeSize();
    }
    counters.metadataBlocksWritten += nodes * nodeBlocks;
    counters.treeNodesWritten += nodes;
  }

  private long fsItemsPerLeaf() {
    return (layout.nodeSize() - NODE_HEADER) / (ITEM_HEADER + 53);
  }

  private long extentItemsPerLeaf() {
    return (layout.nodeSize() - NODE_HEADER) / (ITEM_HEADER + 53);
  }

  private long csumsPerLeaf() {
    return (layout.nodeSize() - NODE_HEADER - ITEM_HEADER) / 4;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static long height(long leaves) {
    long h = 1;
    for (long n = leaves; n > 1; n = ceilDiv(n, KEY_PTRS_PER_NODE)) {
      h++;
    }
    return h;
  }

  private static long nodes(long leaves) {
    long total = Math.max(1, leaves);
    for (long n = leaves; n > 1; ) {
      n = ceilDiv(n, KEY_PTRS_PER_NODE);
      total += n;
    }
    return total;
  }

  private long fsItems() {
    long n = 0;
    for (BtrfsInode i : inodes.values()) {
      n += 2 + i.item.items.size() + 2L * i.item.entries.size();
    }
    return n;
  }

  /** Nodes the trees occupy: the metadata space_info's {@code used} in this model. */
  private long metadataNodes() {
    return nodes(ceilDiv(fsItems(), fsItemsPerLeaf()))
        + nodes(ceilDiv(extents.size(), extentItemsPerLeaf()))
        + nodes(ceilDiv(csums.size(), csumsPerLeaf())) + 1;
  }

  /**
   * Nodes a commit COWs: the leaves touched in each modified tree (keys bucketed into leaves)
   * plus the path from them to the root, plus the root tree node.
   */
  private long dirtyNodes() {
    long n = 0;
    long fsLeaves = ceilDiv(fsItems(), fsItemsPerLeaf());
    long extLeaves = ceilDiv(extents.size(), extentItemsPerLeaf());
    long csumLeaves = ceilDiv(csums.size(), csumsPerLeaf());
    if (!fsDirty.isEmpty()) {
      n += Math.min(Math.max(1, fsLeaves), fsDirty.size()) + height(fsLeaves) - 1;
    }
    if (!extDirty.isEmpty()) {
      n += Math.min(Math.max(1, extLeaves), extDirty.size()) + height(extLeaves) - 1;
    }
    if (!csumDirty.isEmpty()) {
      n += Math.min(Math.max(1, csumLeaves), csumDirty.size()) + height(csumLeaves) - 1;
    }
    return n + 1;
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
    m.put("meta_may_use", meta.mayUse);
    m.put("meta_free", meta.unclaimed());
    counters.export(m);
    m.put("allocated_bytes", data.used + data.reserved);
    m.put("referenced_bytes", referencedBytes());
    m.put("generation", generation);
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
      m.put("csum_errors", csumErrors);
      m.put("writeback_errors", writebackErrors);
      m.put("clones", clones);
      m.put("short_copies", shortCopies);
    }
  }
}
