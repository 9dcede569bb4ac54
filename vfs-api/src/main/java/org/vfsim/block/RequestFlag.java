package org.vfsim.block;

/**
 * Ordering flags of a write request, as the kernel's {@code REQ_PREFLUSH} and {@code REQ_FUA}:
 * a journal commit or superblock write carries both, so that everything before it is durable
 * first and the write itself is durable when it completes.
 */
public enum RequestFlag {
  /** Drain the device's volatile write cache to media before this write is performed. */
  PREFLUSH,
  /** Force unit access: this write is on media when it completes, not in the volatile cache. */
  FUA
}
