package org.vfsim.fs;

import com.google.common.collect.ImmutableMap;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.kernel.Task;

/**
 * A mounted filesystem ({@code struct super_block}). Plugins extend it with their allocator and
 * metadata; the VFS uses the root inode, {@code statfs}, the sync and unmount hooks, and the
 * reporting hooks ({@link #counters}, {@link #fsck}, {@link #freeSpaceExtents}) that the test kit
 * and the comparison report read.
 */
public abstract class SuperBlock {
  private final MountContext ctx;
  private final long deviceNumber;

  protected SuperBlock(MountContext ctx) {
    this.ctx = ctx;
    this.deviceNumber = ctx.machine().nextDeviceNumber();
  }

  public final Machine machine() {
    return ctx.machine();
  }

  public final FileSystemType type() {
    return ctx.type();
  }

  public final @Nullable BlockDevice device() {
    return ctx.device();
  }

  public final MountOptions options() {
    return ctx.options();
  }

  /** {@code st_dev} of files on this filesystem. */
  public final long deviceNumber() {
    return deviceNumber;
  }

  public abstract Inode root();

  public abstract StatFs statfs();

  /** Block size of the filesystem. */
  public int blockSize() {
    BlockDevice d = device();
    return d == null ? 4096 : d.blockSize();
  }

  /** {@code s_maxbytes}: the largest file size; writes at or past it fail with EFBIG. */
  public long maxBytes() {
    return Long.MAX_VALUE;
  }

  /**
   * {@code s_time_gran}: the granularity, in nanoseconds, of the timestamps the on-disk inode can
   * hold; {@code current_time} truncates to it, so in-core times never carry more precision than
   * a mount can read back. The kernel's default (a filesystem that does not set it) is one
   * second; this simulation defaults to 1 ns so that plugins keep their precision unless they
   * say otherwise. A divisor or multiple of one second.
   */
  public long timeGranularityNanos() {
    return 1;
  }

  /** {@code sync_fs}: after the VFS wrote back all dirty pages, commit metadata and flush. */
  public void syncFs(Task task) {
    BlockDevice d = device();
    if (d != null) {
      d.flush();
    }
  }

  /** {@code put_super}: the VFS synced everything; persist what a later mount needs. */
  public void unmount(Task task) {}

  /** Allocator, reservation and metadata counters by name, in a stable order. */
  public ImmutableMap<String, Long> counters() {
    return ImmutableMap.of();
  }

  /** Checks the filesystem's own structures; called by the test kit after every operation. */
  public FsckReport fsck() {
    return FsckReport.clean();
  }

  /** Free space as {@code (start block, length)} extents, for {@code e2freefrag}-style reports. */
  public List<long[]> freeSpaceExtents() {
    return List.of();
  }

  /** Bytes allocated on disk for file data (for space amplification). */
  public long allocatedDataBytes() {
    StatFs s = statfs();
    return (s.blocks() - s.bfree()) * (long) s.bsize();
  }
}
