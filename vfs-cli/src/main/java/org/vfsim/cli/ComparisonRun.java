package org.vfsim.cli;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.DeviceCounters;
import org.vfsim.block.DiskModel;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.SuperBlock;
import org.vfsim.fs.Vfs;
import org.vfsim.plugin.PluginRegistry;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Runs one workload on one variant, on a fresh machine and device, and measures it: the write
 * phase (to a final {@code sync}), the layout it left, then a cold read of every file (page
 * cache dropped) for the read-side device cost and seek distances.
 */
final class ComparisonRun {
  private static final int READ_CHUNK = 1 << 20;

  private ComparisonRun() {}

  /** Never throws for a failing plugin: the failure (with its errno) is the result. */
  static VariantResult run(PluginRegistry registry, Variant v, Workload w, long seed,
      long deviceBytes, Consumer<Integer> onRound) {
    return run(registry, v, w, seed, deviceBytes, false, onRound);
  }

  /** With {@code dataless}, the device stores metadata only (memory follows metadata). */
  static VariantResult run(PluginRegistry registry, Variant v, Workload w, long seed,
      long deviceBytes, boolean dataless, Consumer<Integer> onRound) {
    SimulatedSystem system;
    try {
      FileSystemType type = registry.get(v.fs());
      system = SimulatedSystem.create(type, deviceBytes, v.mkfsOptions(), v.mountOptions(),
          dataless);
    } catch (ErrnoException e) {
      return VariantResult.failed(v, e.errno().name() + ": " + CliFailure.describe(e));
    }
    try {
      return measure(system, v, w, seed, onRound);
    } catch (ErrnoException e) {
      return VariantResult.failed(v, e.errno().name() + ": " + CliFailure.describe(e));
    } catch (CliFailure e) {
      throw e;
    } catch (RuntimeException e) {
      return VariantResult.failed(v, "internal error: " + e);
    }
  }

  private static VariantResult measure(SimulatedSystem system, Variant v, Workload w, long seed,
      Consumer<Integer> onRound) {
    Machine m = system.machine();
    BlockDevice dev = system.device();
    // A device-less filesystem (ramfs) runs too, as a baseline with no layout and no device I/O.
    DiskModel.Timer hdd = DiskModel.HDD.timer();
    DiskModel.Timer ssd = DiskModel.SSD.timer();
    if (dev != null) {
      dev.addListener(hdd);
      dev.addListener(ssd);
    }
    DeviceCounters start = counters(dev);
    List<VariantResult.RoundSample> rounds = new ArrayList<>();
    WorkloadContext[] holder = new WorkloadContext[1];
    WorkloadContext ctx = new WorkloadContext(system, seed, () -> {
      WorkloadContext c = holder[0];
      rounds.add(sample(system, c, c.rounds(), counters(dev).minus(start), hdd));
      onRound.accept(c.rounds());
    });
    holder[0] = ctx;
    w.run(ctx);
    Syscalls sys = ctx.sys();
    sys.sync();
    DeviceCounters written = counters(dev).minus(start);
    long hddWrite = hdd.readNanos() + hdd.writeNanos();
    long ssdWrite = ssd.readNanos() + ssd.writeNanos();

    SuperBlock sb = system.superBlock();
    int bs = sb.blockSize();
    List<VariantResult.FileLayout> files = new ArrayList<>();
    long num = 0;
    long den = 0;
    long referenced = 0;
    for (String name : ctx.files()) {
      List<FiemapExtent> ext = fiemap(system, ctx.path(name), Vfs.FIEMAP_FLAG_SYNC);
      long size = sys.stat(ctx.path(name)).size();
      long[] score = LayoutMetrics.layoutScore(ext, bs);
      num += score[0];
      den += score[1];
      for (FiemapExtent e : ext) {
        referenced += e.length();
      }
      files.add(new VariantResult.FileLayout(name, size, List.copyOf(ext),
          LayoutMetrics.fragments(ext), score[0], score[1]));
    }
    long[] freeCount = new long[64];
    long[] freeBlocks = new long[64];
    for (long[] e : sb.freeSpaceExtents()) {
      int k = LayoutMetrics.bucket(e[1]);
      freeCount[k]++;
      freeBlocks[k] += e[1];
    }
    long allocated = sb.allocatedDataBytes();
    // The comparison is only worth reading if the filesystem is consistent after the workload.
    List<String> fsck = List.copyOf(sb.fsck().problems());
    ImmutableMap<String, Long> counters = sb.counters();

    // Cold read: nothing cached, every file read front to back.
    m.pageCache().dropCleanPages();
    hdd.reset();
    ssd.reset();
    DeviceCounters beforeRead = counters(dev);
    for (String name : ctx.files()) {
      int fd = sys.open(ctx.path(name), Fcntl.O_RDONLY);
      for (long off = 0; ; off += READ_CHUNK) {
        if (sys.preadBytes(fd, READ_CHUNK, off).length < READ_CHUNK) {
          break;
        }
      }
      sys.close(fd);
    }
    DeviceCounters read = counters(dev).minus(beforeRead);
    return new VariantResult(v, null, bs, dev == null ? 0 : dev.blocks(), files, num, den,
        freeCount, freeBlocks,
        ctx.appBytesWritten(), written.blocksWritten() * bs,
        written.dataBlocksWritten() * bs, written.metadataBlocksWritten() * bs, allocated,
        referenced, counters, hddWrite, ssdWrite, hdd.readNanos() + hdd.writeNanos(),
        ssd.readNanos() + ssd.writeNanos(), read.seekHistogram(), read.discontiguousRequests(),
        rounds, fsck, m.lockValidator().reports().size(), hasFiemap(system, ctx));
  }

  private static DeviceCounters counters(BlockDevice dev) {
    return dev != null ? dev.counters()
        : new DeviceCounters(0, 0, 0, 0, 0, 0, 0, 0, new long[64], 0, 0, 0, 0);
  }

  /** Whether the filesystem answers FIEMAP (asked of its root, or of the first file). */
  private static boolean hasFiemap(SimulatedSystem system, WorkloadContext ctx) {
    Machine m = system.machine();
    String path = ctx.files().isEmpty() ? SimulatedSystem.MOUNT_POINT
        : ctx.path(ctx.files().iterator().next());
    try {
      m.vfs().fiemap(m.kernelTask(), m.vfs().resolve(path), 0, 0, 0);
      return true;
    } catch (ErrnoException e) {
      return e.errno() != org.vfsim.syscall.Errno.EOPNOTSUPP;
    }
  }

  /** The file's extents; none where the filesystem has no FIEMAP (ramfs). */
  private static List<FiemapExtent> fiemap(SimulatedSystem system, String path, int flags) {
    Machine m = system.machine();
    try {
      return m.vfs().fiemap(m.kernelTask(), m.vfs().resolve(path), 0, 0, flags);
    } catch (ErrnoException e) {
      if (e.errno() == org.vfsim.syscall.Errno.EOPNOTSUPP) {
        return List.of();
      }
      throw e;
    }
  }

  /** Layout and free-space figures now, without forcing writeback (delalloc is left out). */
  private static VariantResult.RoundSample sample(SimulatedSystem system, WorkloadContext ctx,
      int round, DeviceCounters sofar, DiskModel.Timer hdd) {
    Syscalls sys = ctx.sys();
    SuperBlock sb = system.superBlock();
    long num = 0;
    long den = 0;
    long extents = 0;
    long coldRead = 0;
    long head = -1;
    DiskModel model = DiskModel.HDD;
    for (String name : ctx.files()) {
      // By inode, not through open/close: a close may trim preallocation and change the run.
      List<FiemapExtent> ext = fiemap(system, ctx.path(name), 0);
      long[] s = LayoutMetrics.layoutScore(ext, sb.blockSize());
      num += s[0];
      den += s[1];
      extents += LayoutMetrics.fragments(ext);
      for (FiemapExtent e : ext) {
        if (e.physical() != head) {
          coldRead += model.positioningNanos();
        }
        coldRead += model.perRequestNanos() + (long) (e.length() * 1e9 / model.bytesPerSecond());
        head = e.physical() + e.length();
      }
    }
    return new VariantResult.RoundSample(round, LayoutMetrics.ratio(num, den), extents,
        sb.freeSpaceExtents().size(), ctx.appBytesWritten(),
        sofar.blocksWritten() * (system.device() == null ? 0 : system.device().blockSize()),
        hdd.readNanos() + hdd.writeNanos(), coldRead);
  }
}
