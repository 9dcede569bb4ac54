package org.vfsim.block;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ordered record of every request a device served while logging was on (reads excluded):
 * the device's durable content when the log started ({@link #base}), the writes that were still
 * in its volatile cache then (logged first, as writes without flags), and then each write with
 * its flags and content, each flush and each discard. The test kit builds crash states from it,
 * as dm-log-writes replay and CrashMonkey do.
 */
public final class RequestLog {
  private final BlockDevice device;
  private final ImmutableMap<Long, byte[]> base;
  private final List<LoggedRequest> entries = new ArrayList<>();
  private boolean open = true;

  RequestLog(BlockDevice device, Map<Long, byte[]> base) {
    this.device = device;
    this.base = ImmutableMap.copyOf(base);
  }

  synchronized void append(LoggedRequest r) {
    if (open) {
      entries.add(r);
    }
  }

  /** Stops recording; the device no longer appends to this log. */
  public void close() {
    device.stopRequestLog(this);
    synchronized (this) {
      open = false;
    }
  }

  /** The device's media (durable blocks) when logging started; absent blocks are zeros. */
  public ImmutableMap<Long, byte[]> base() {
    return base;
  }

  /** The entries so far, in submission order. */
  public synchronized ImmutableList<LoggedRequest> entries() {
    return ImmutableList.copyOf(entries);
  }

  /** The device whose requests this log records. */
  public BlockDevice device() {
    return device;
  }
}
