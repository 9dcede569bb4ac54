package org.vfsim.block;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a {@link RequestLog}: a request in submission order, with its flags and, for a
 * write, the content written ({@code null} for data blocks of a dataless device, and for reads,
 * flushes and discards). Like dm-log-writes, the log is what a crash-state builder replays.
 */
public record LoggedRequest(long seq, IoRequest.Op op, long block, long nblocks, IoKind kind,
    boolean preflush, boolean fua, byte @Nullable [] data) {

  /** Whether this entry makes every earlier write durable (a flush, or a PREFLUSH write). */
  public boolean isFlushBarrier() {
    return op == IoRequest.Op.FLUSH || (op == IoRequest.Op.WRITE && preflush);
  }
}
