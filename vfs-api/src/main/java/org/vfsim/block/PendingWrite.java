package org.vfsim.block;

/**
 * A write that reached the device's volatile cache and is not yet on media: what a power cut
 * may keep or lose. {@code seq} is the request's position in the device's submission order;
 * {@code data} is the block's content as written (never modified afterwards).
 */
public record PendingWrite(long seq, long block, IoKind kind, byte[] data) {}
