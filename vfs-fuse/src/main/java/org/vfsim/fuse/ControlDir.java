package org.vfsim.fuse;

import com.google.common.collect.ImmutableMap;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.DeviceCounters;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Stat;
import org.vfsim.fs.SuperBlock;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.pagecache.PageCacheStats;
import org.vfsim.syscall.Errno;

/**
 * The hidden directory {@code /.vfsim} at the root of the mount: the simulator's controls, reached
 * by ordinary file I/O so a shell script can use them under a running program. It is not listed
 * by {@code readdir} (so {@code cp -a}, {@code tar} and {@code diff -r} of the mount do not see
 * it) but can be looked up by name. Reading {@code counters}, {@code lockdep} or {@code clock}
 * returns a snapshot taken at open; writing anything to {@code powercut} cuts the power and
 * remounts, writing to {@code sync} runs {@code sync(2)} on the simulated machine.
 */
final class ControlDir {
  static final String NAME = "/.vfsim";
  /** Control handles are numbered from here, far above the simulated files' handles. */
  static final long FIRST_HANDLE = 1L << 62;

  private static final Map<String, Integer> FILES = ImmutableMap.of(
      "counters", 0444, "lockdep", 0444, "clock", 0444, "powercut", 0200, "sync", 0200);

  private final SimulatedFs fs;
  private final Map<Long, byte[]> snapshots = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private long next = FIRST_HANDLE;

  ControlDir(SimulatedFs fs) {
    this.fs = fs;
  }

  static boolean owns(@Nullable String path) {
    return path != null && (path.equals(NAME) || path.startsWith(NAME + "/"));
  }

  static boolean isHandle(long fh) {
    return fh >= FIRST_HANDLE;
  }

  private static String name(String path) {
    if (path.equals(NAME)) {
      return "";
    }
    String n = path.substring(NAME.length() + 1);
    if (!FILES.containsKey(n)) {
      throw Errno.ENOENT.exception(path);
    }
    return n;
  }

  Stat stat(String path, long rootIno) {
    String n = name(path);
    long now = fs.machine().clock().nanoTime();
    if (n.isEmpty()) {
      return new Stat(0, rootIno + (1L << 40), FileType.DIRECTORY, 0555, 2, 0, 0, 0, 0, 4096,
          now, now, now);
    }
    return new Stat(0, rootIno + (1L << 40) + 1 + List.copyOf(FILES.keySet()).indexOf(n),
        FileType.REGULAR, FILES.get(n), 1, 0, 0, 0, 0, 4096, now, now, now);
  }

  List<String> list() {
    return List.copyOf(FILES.keySet());
  }

  /** Opens a control file; a readable one's content is rendered now. */
  long open(String path, int flags) {
    String n = name(path);
    if (n.isEmpty()) {
      throw Errno.EISDIR.exception(path);
    }
    boolean writable = (flags & 3) != 0;
    boolean writeOnly = FILES.get(n) == 0200;
    if (writable != writeOnly) {
      throw Errno.EACCES.exception(path);
    }
    long fh = next++;
    names.put(fh, n);
    if (!writeOnly) {
      snapshots.put(fh, render(n).getBytes(StandardCharsets.UTF_8));
    }
    return fh;
  }

  byte[] read(long fh) {
    byte[] b = snapshots.get(fh);
    if (b == null) {
      throw Errno.EBADF.exception("control file not open for reading");
    }
    return b;
  }

  /** A write to {@code powercut} or {@code sync} runs it; the data is ignored. */
  void write(long fh) {
    String n = names.get(fh);
    if (n == null || snapshots.containsKey(fh)) {
      throw Errno.EBADF.exception("control file not open for writing");
    }
    switch (n) {
      case "powercut" -> fs.powerCut();
      case "sync" -> fs.sync();
      default -> throw Errno.EBADF.exception(n);
    }
  }

  void release(long fh) {
    names.remove(fh);
    snapshots.remove(fh);
  }

  private String render(String n) {
    Machine m = fs.machine();
    StringBuilder out = new StringBuilder();
    switch (n) {
      case "clock" -> out.append(m.clock().nanoTime()).append('\n');
      case "lockdep" -> {
        List<LockdepReport> reports = m.lockValidator().reports();
        if (reports.isEmpty()) {
          out.append("lockdep: no reports\n");
        }
        reports.forEach(r -> out.append(r.render()));
      }
      case "counters" -> counters(m, out);
      default -> throw Errno.EINVAL.exception(n);
    }
    return out.toString();
  }

  /** The same listing as {@code vfsim io}'s {@code counters} command. */
  private void counters(Machine m, StringBuilder out) {
    SuperBlock sb = fs.superBlock();
    out.append("filesystem ").append(sb.type().name()).append(":\n");
    sb.counters().forEach((k, v) -> out.append("  ").append(k).append(" = ").append(v)
        .append('\n'));
    PageCacheStats p = m.pageCache().stats();
    out.append("page cache:\n");
    line(out, "nr_pages", p.nrPages());
    line(out, "nr_dirty", p.nrDirty());
    line(out, "nr_writeback", p.nrWriteback());
    line(out, "limit_pages", p.limitPages());
    line(out, "dirty_background_thresh", p.dirtyBackgroundThresh());
    line(out, "dirty_thresh", p.dirtyThresh());
    line(out, "reclaimed", p.reclaimed());
    line(out, "reclaim_writeback", p.reclaimWriteback());
    line(out, "background_writeback_runs", p.backgroundWritebackRuns());
    line(out, "throttled", p.throttled());
    line(out, "pages_written_back", p.pagesWrittenBack());
    BlockDevice dev = sb.device();
    if (dev != null) {
      DeviceCounters d = dev.counters();
      out.append("device ").append(dev.name()).append(":\n");
      line(out, "read_requests", d.readRequests());
      line(out, "write_requests", d.writeRequests());
      line(out, "blocks_read", d.blocksRead());
      line(out, "blocks_written", d.blocksWritten());
      line(out, "data_blocks_written", d.dataBlocksWritten());
      line(out, "metadata_blocks_written", d.metadataBlocksWritten());
      line(out, "flushes", d.flushes());
      line(out, "fua_writes", d.fuaWrites());
      line(out, "io_errors", d.ioErrors());
    }
    out.append("fuse:\n");
    line(out, "requests", fs.requests());
    line(out, "power_cuts", fs.powerCuts());
    line(out, "open_handles", fs.openHandles());
    fs.requestsByOperation().forEach((op, n) -> line(out, "requests_" + op, n[0]));
  }

  private static void line(StringBuilder out, String k, long v) {
    out.append("  ").append(k).append(" = ").append(v).append('\n');
  }
}
