package org.vfsim.fs;

/**
 * What a filesystem type supports beyond the basics; the VFS returns {@code EOPNOTSUPP} for the
 * rest, and the test kit skips (with the reason) what a plugin does not declare.
 */
public enum Capability {
  /** {@code fallocate} mode 0 and {@code FALLOC_FL_KEEP_SIZE}. */
  FALLOCATE,
  /** {@code FALLOC_FL_PUNCH_HOLE}. */
  PUNCH_HOLE,
  /** {@code FALLOC_FL_ZERO_RANGE}. */
  ZERO_RANGE,
  /** Extents allocated but not written, which read as zeros. */
  UNWRITTEN_EXTENTS,
  /** Sharing extents between files ({@code FICLONERANGE}). */
  REFLINK,
  /** Provides its own multi-page {@code perform_write}. */
  PERFORM_WRITE,
  /** Data and size made durable by {@code fsync} survive a simulated power cut. */
  POWER_CUT_DURABILITY,
  /** Data checksums verified on read. */
  DATA_CHECKSUMS,
  /** Keeps its state on a block device (ramfs does not). */
  BLOCK_DEVICE,
  /** Directories beyond the root. */
  DIRECTORIES,
}
