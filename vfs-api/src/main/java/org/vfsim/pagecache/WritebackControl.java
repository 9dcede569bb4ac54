package org.vfsim.pagecache;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * What a {@code writepages} call is asked to do ({@code struct writeback_control}): which byte
 * range, whether to wait for pages already under writeback (data integrity) or skip busy ones
 * (background), and how many pages it may write.
 */
public final class WritebackControl {
  /** {@code WB_SYNC_NONE} skips busy pages; {@code WB_SYNC_ALL} writes and waits for all. */
  public enum SyncMode { NONE, ALL }

  /** Why writeback runs, for counters and for filesystems that act differently. */
  public enum Reason { BACKGROUND, PERIODIC, SYNC, FSYNC, RECLAIM, THROTTLE, UNMOUNT }

  private final SyncMode syncMode;
  private final Reason reason;
  private final long rangeStart;
  private final long rangeEnd;
  private long nrToWrite;
  private long pagesWritten;

  public WritebackControl(SyncMode syncMode, Reason reason, long rangeStart, long rangeEnd,
      long nrToWrite) {
    checkArgument(rangeStart >= 0 && rangeEnd >= rangeStart, "bad range %s..%s", rangeStart, rangeEnd);
    this.syncMode = syncMode;
    this.reason = reason;
    this.rangeStart = rangeStart;
    this.rangeEnd = rangeEnd;
    this.nrToWrite = nrToWrite;
  }

  /** Data-integrity writeback of a whole file. */
  public static WritebackControl syncAll(Reason reason) {
    return new WritebackControl(SyncMode.ALL, reason, 0, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  public SyncMode syncMode() {
    return syncMode;
  }

  public Reason reason() {
    return reason;
  }

  /** First byte to write. */
  public long rangeStart() {
    return rangeStart;
  }

  /** Last byte to write, inclusive ({@code LLONG_MAX} for "to the end"). */
  public long rangeEnd() {
    return rangeEnd;
  }

  public long nrToWrite() {
    return nrToWrite;
  }

  public long pagesWritten() {
    return pagesWritten;
  }

  /** Accounts one page handed to the device. */
  public void pageWritten() {
    pagesWritten++;
    nrToWrite--;
  }
}
