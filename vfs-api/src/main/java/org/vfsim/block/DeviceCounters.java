package org.vfsim.block;

import java.util.Arrays;

/**
 * A snapshot of a device's counters. {@code seekHistogram[k]} counts discontiguous requests whose
 * distance from the previous request's end was in {@code [2^k, 2^(k+1))} blocks ({@code k=0}
 * holds distances 0..1).
 */
public record DeviceCounters(
    long readRequests,
    long writeRequests,
    long blocksRead,
    long blocksWritten,
    long dataBlocksWritten,
    long metadataBlocksWritten,
    long discontiguousRequests,
    long seekDistanceTotal,
    long[] seekHistogram,
    long flushes,
    long fuaWrites,
    long discards,
    long ioErrors) {

  /** Counters accumulated since {@code earlier}. */
  public DeviceCounters minus(DeviceCounters earlier) {
    long[] h = new long[seekHistogram.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = seekHistogram[i] - earlier.seekHistogram[i];
    }
    return new DeviceCounters(readRequests - earlier.readRequests,
        writeRequests - earlier.writeRequests, blocksRead - earlier.blocksRead,
        blocksWritten - earlier.blocksWritten, dataBlocksWritten - earlier.dataBlocksWritten,
        metadataBlocksWritten - earlier.metadataBlocksWritten,
        discontiguousRequests - earlier.discontiguousRequests,
        seekDistanceTotal - earlier.seekDistanceTotal, h, flushes - earlier.flushes,
        fuaWrites - earlier.fuaWrites, discards - earlier.discards, ioErrors - earlier.ioErrors);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceCounters d && d.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "DeviceCounters[reads=" + readRequests + ", writes=" + writeRequests + ", blocksRead="
        + blocksRead + ", blocksWritten=" + blocksWritten + " (data " + dataBlocksWritten
        + ", metadata " + metadataBlocksWritten + "), discontiguous=" + discontiguousRequests
        + ", seekTotal=" + seekDistanceTotal + ", seekHistogram=" + Arrays.toString(seekHistogram)
        + ", flushes=" + flushes + ", fua=" + fuaWrites + ", discards=" + discards + ", errors="
        + ioErrors + "]";
  }
}
