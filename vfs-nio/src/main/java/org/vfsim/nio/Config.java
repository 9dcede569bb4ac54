package org.vfsim.nio;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.vfsim.Configuration;

/**
 * What {@link VfsimFileSystems#newFileSystem(Config)} builds: which plugin, its mkfs and mount
 * options, the device, the seed for every random choice a fault makes, and the machine.
 * Immutable; {@code Config.forPlugin("xfsish").deviceBytes(32 << 20)} returns a new one.
 */
public final class Config {
  /** The device size if none is given: small, so that tests fill it quickly. */
  public static final long DEFAULT_DEVICE_BYTES = 64L << 20;

  private final String plugin;
  private final String mkfsOptions;
  private final String mountOptions;
  private final long deviceBytes;
  private final int blockSize;
  private final long seed;
  private final Configuration machine;

  private Config(String plugin, String mkfsOptions, String mountOptions, long deviceBytes,
      int blockSize, long seed, Configuration machine) {
    this.plugin = checkNotNull(plugin, "plugin");
    this.mkfsOptions = checkNotNull(mkfsOptions, "mkfsOptions");
    this.mountOptions = checkNotNull(mountOptions, "mountOptions");
    checkArgument(deviceBytes > 0, "device size must be positive: %s", deviceBytes);
    checkArgument(blockSize >= 512 && Integer.bitCount(blockSize) == 1,
        "block size %s is not a power of two >= 512", blockSize);
    this.deviceBytes = deviceBytes;
    this.blockSize = blockSize;
    this.seed = seed;
    this.machine = checkNotNull(machine, "machine");
  }

  /** {@code plugin} (ext2ish, xfsish, btrfsish, ramfs or any discovered type) with defaults. */
  public static Config forPlugin(String plugin) {
    return new Config(plugin, "", "", DEFAULT_DEVICE_BYTES, 4096, 1, Configuration.defaults());
  }

  /** ext2ish, the plugin with the simplest durability rules, with defaults. */
  public static Config defaults() {
    return forPlugin("ext2ish");
  }

  public Config plugin(String name) {
    return new Config(name, mkfsOptions, mountOptions, deviceBytes, blockSize, seed, machine);
  }

  public Config mkfsOptions(String options) {
    return new Config(plugin, options, mountOptions, deviceBytes, blockSize, seed, machine);
  }

  public Config mountOptions(String options) {
    return new Config(plugin, mkfsOptions, options, deviceBytes, blockSize, seed, machine);
  }

  /** The device size; for a device-less type (ramfs) its {@code size=} limit. */
  public Config deviceBytes(long bytes) {
    return new Config(plugin, mkfsOptions, mountOptions, bytes, blockSize, seed, machine);
  }

  public Config blockSize(int bytes) {
    return new Config(plugin, mkfsOptions, mountOptions, deviceBytes, bytes, seed, machine);
  }

  /** Seeds the random choices of faults (which unflushed writes a power cut keeps). */
  public Config seed(long value) {
    return new Config(plugin, mkfsOptions, mountOptions, deviceBytes, blockSize, value, machine);
  }

  /** The simulated machine: memory, dirty ratios, writeback interval, device write cache. */
  public Config machine(Configuration configuration) {
    return new Config(plugin, mkfsOptions, mountOptions, deviceBytes, blockSize, seed,
        configuration);
  }

  public String plugin() {
    return plugin;
  }

  public String mkfsOptions() {
    return mkfsOptions;
  }

  public String mountOptions() {
    return mountOptions;
  }

  public long deviceBytes() {
    return deviceBytes;
  }

  public int blockSize() {
    return blockSize;
  }

  public long seed() {
    return seed;
  }

  public Configuration machine() {
    return machine;
  }

  @Override
  public String toString() {
    return plugin + "(mkfs='" + mkfsOptions + "', mount='" + mountOptions + "', device="
        + deviceBytes + ", bs=" + blockSize + ", seed=" + seed + ")";
  }
}
