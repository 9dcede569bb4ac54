package org.vfsim.block;

/**
 * One request as the device saw it, in blocks; {@code discontiguous} if it did not start where
 * the last ended. {@code preflush} and {@code fua} are the write's {@link RequestFlag}s.
 */
public record IoRequest(Op op, long block, long nblocks, IoKind kind, boolean fua,
    boolean discontiguous, long seekDistance, boolean preflush) {
  /** The request's direction. */
  public enum Op { READ, WRITE, FLUSH, DISCARD }
}
