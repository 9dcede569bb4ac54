package org.vfsim.cli;

import java.util.List;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.DeviceCounters;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.pagecache.PageCacheStats;

/**
 * vfsim's own commands, what xfs_io cannot show on a real kernel: the simulator's
 * {@code counters}, the lock validator's {@code lockdep} reports, and a {@code powercut}.
 */
final class XfsIoDebug {
  private final XfsIoShell sh;

  private XfsIoDebug(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoDebug c = new XfsIoDebug(sh);
    sh.add("counters", 0, 0, true, true, "", "counters -- allocator, page cache and device"
        + " counters", argv -> c.counters());
    sh.add("lockdep", 0, 0, true, true, "", "lockdep -- the lock validator's reports so far",
        argv -> c.lockdep());
    sh.add("powercut", 0, 0, true, true, "", "powercut -- cut the power, remount, reopen the open"
        + " files", argv -> c.powercut());
  }

  private void counters() {
    SimulatedSystem system = sh.system;
    out("filesystem " + system.type().name() + ":");
    system.superBlock().counters().forEach((k, v) -> counter(k, v));
    PageCacheStats p = system.machine().pageCache().stats();
    out("page cache:");
    counter("nr_pages", p.nrPages());
    counter("nr_dirty", p.nrDirty());
    counter("nr_writeback", p.nrWriteback());
    counter("limit_pages", p.limitPages());
    counter("dirty_background_thresh", p.dirtyBackgroundThresh());
    counter("dirty_thresh", p.dirtyThresh());
    counter("reclaimed", p.reclaimed());
    counter("reclaim_writeback", p.reclaimWriteback());
    counter("background_writeback_runs", p.backgroundWritebackRuns());
    counter("throttled", p.throttled());
    counter("pages_written_back", p.pagesWrittenBack());
    BlockDevice dev = system.device();
    if (dev != null) {
      DeviceCounters d = dev.counters();
      out("device " + dev.name() + (dev.dataless()
          ? " (dataless: file data not stored, reclaimed data reads back as zeros):" : ":"));
      counter("read_requests", d.readRequests());
      counter("write_requests", d.writeRequests());
      counter("blocks_read", d.blocksRead());
      counter("blocks_written", d.blocksWritten());
      counter("data_blocks_written", d.dataBlocksWritten());
      counter("metadata_blocks_written", d.metadataBlocksWritten());
      counter("discontiguous_requests", d.discontiguousRequests());
      counter("seek_distance_total", d.seekDistanceTotal());
      counter("flushes", d.flushes());
      counter("fua_writes", d.fuaWrites());
      counter("discards", d.discards());
      counter("io_errors", d.ioErrors());
    }
  }

  private void out(String line) {
    sh.out.println(line);
  }

  private void counter(String name, Object value) {
    sh.out.println("  " + name + " = " + value);
  }

  private void lockdep() {
    List<LockdepReport> reports = sh.system.machine().lockValidator().reports();
    if (reports.isEmpty()) {
      out("lockdep: no reports");
      return;
    }
    for (LockdepReport r : reports) {
      sh.out.print(r.render());
    }
    sh.fail();
  }

  /** Cuts the power, remounts, and reopens the table's files in a new process. */
  private void powercut() {
    sh.system.machine().powerCut();
    sh.restartAfterPowerCut();
  }
}
