package org.vfsim;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * The immutable settings of a simulated machine: memory for the page cache, the dirty-page
 * thresholds and ages that drive writeback (the {@code vm.dirty_*} sysctls), and how the lock
 * validator reacts. Build one with {@link #builder()}.
 */
public final class Configuration {
  private final long memoryBytes;
  private final int dirtyBackgroundRatio;
  private final int dirtyRatio;
  private final Duration dirtyExpire;
  private final Duration writebackInterval;
  private final byte newPageFill;
  private final boolean lockdepThrows;
  private final int deviceWriteCacheBlocks;

  private Configuration(Builder b) {
    this.memoryBytes = b.memoryBytes;
    this.dirtyBackgroundRatio = b.dirtyBackgroundRatio;
    this.dirtyRatio = b.dirtyRatio;
    this.dirtyExpire = b.dirtyExpire;
    this.writebackInterval = b.writebackInterval;
    this.newPageFill = b.newPageFill;
    this.lockdepThrows = b.lockdepThrows;
    this.deviceWriteCacheBlocks = b.deviceWriteCacheBlocks;
  }

  public static Configuration defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Memory the page cache may use before reclaim. */
  public long memoryBytes() {
    return memoryBytes;
  }

  /** {@code vm.dirty_background_ratio}: percent of memory dirty before background writeback. */
  public int dirtyBackgroundRatio() {
    return dirtyBackgroundRatio;
  }

  /** {@code vm.dirty_ratio}: percent of memory dirty before writers are throttled. */
  public int dirtyRatio() {
    return dirtyRatio;
  }

  /** {@code vm.dirty_expire_centisecs}: age at which dirty data is written back. */
  public Duration dirtyExpire() {
    return dirtyExpire;
  }

  /** {@code vm.dirty_writeback_centisecs}: how often the flusher wakes. */
  public Duration writebackInterval() {
    return writebackInterval;
  }

  /** The byte a new page holds before it is written or read ({@code 0x6b}, slab's poison). */
  public byte newPageFill() {
    return newPageFill;
  }

  public boolean lockdepThrows() {
    return lockdepThrows;
  }

  /** Blocks a device's volatile write cache holds. */
  public int deviceWriteCacheBlocks() {
    return deviceWriteCacheBlocks;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.memoryBytes = memoryBytes;
    b.dirtyBackgroundRatio = dirtyBackgroundRatio;
    b.dirtyRatio = dirtyRatio;
    b.dirtyExpire = dirtyExpire;
    b.writebackInterval = writebackInterval;
    b.newPageFill = newPageFill;
    b.lockdepThrows = lockdepThrows;
    b.deviceWriteCacheBlocks = deviceWriteCacheBlocks;
    return b;
  }

  /** Builds a {@link Configuration}. */
  public static final class Builder {
    private long memoryBytes = 512L << 20;
    private int dirtyBackgroundRatio = 10;
    private int dirtyRatio = 20;
    private Duration dirtyExpire = Duration.ofSeconds(30);
    private Duration writebackInterval = Duration.ofSeconds(5);
    private byte newPageFill = 0x6b;
    private boolean lockdepThrows = true;
    private int deviceWriteCacheBlocks = 4096;

    public Builder memoryBytes(long bytes) {
      checkArgument(bytes >= 64 * 4096, "at least 64 pages of memory: %s", bytes);
      this.memoryBytes = bytes;
      return this;
    }

    public Builder dirtyRatios(int background, int hard) {
      checkArgument(0 < background && background <= hard && hard <= 100,
          "need 0 < background <= hard <= 100: %s, %s", background, hard);
      this.dirtyBackgroundRatio = background;
      this.dirtyRatio = hard;
      return this;
    }

    public Builder dirtyExpire(Duration d) {
      checkArgument(!d.isNegative(), "negative dirty expiry");
      this.dirtyExpire = d;
      return this;
    }

    public Builder writebackInterval(Duration d) {
      checkArgument(!d.isNegative() && !d.isZero(), "writeback interval must be positive");
      this.writebackInterval = d;
      return this;
    }

    public Builder newPageFill(byte fill) {
      this.newPageFill = fill;
      return this;
    }

    public Builder lockdepThrows(boolean throwsOnReport) {
      this.lockdepThrows = throwsOnReport;
      return this;
    }

    public Builder deviceWriteCacheBlocks(int blocks) {
      checkArgument(blocks >= 0, "negative cache size");
      this.deviceWriteCacheBlocks = blocks;
      return this;
    }

    public Configuration build() {
      return new Configuration(this);
    }
  }
}
