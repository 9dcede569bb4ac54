package org.vfsim.nio;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.time.Duration;

/**
 * The entry point, in the style of Jimfs: {@code FileSystem fs =
 * VfsimFileSystems.newFileSystem(Config.forPlugin("xfsish"))} gives a {@code java.nio}
 * filesystem on a freshly made simulated device, with {@link #faults} to break it.
 */
public final class VfsimFileSystems {
  private VfsimFileSystems() {}

  /** Makes the plugin's filesystem on a new device, mounts it and returns it. */
  public static FileSystem newFileSystem(Config config) throws IOException {
    return VfsimFileSystemProvider.instance().create(config, VfsimFileSystemProvider.newName());
  }

  /** As {@link #newFileSystem(Config)}, reachable as {@code vfsim://name/}. */
  public static FileSystem newFileSystem(String name, Config config) throws IOException {
    return VfsimFileSystemProvider.instance().create(config, name);
  }

  /** The fault injector of a vfsim filesystem. */
  public static Faults faults(FileSystem fs) {
    return vfsim(fs).faults();
  }

  /**
   * Boots a new machine and mounts the device of {@code fs} after its power was cut (or it was
   * closed): the new filesystem sees exactly what was durable, after the plugin's recovery.
   * A device-less filesystem (ramfs) comes back empty.
   */
  public static FileSystem reboot(FileSystem fs) throws IOException {
    VfsimFileSystem v = vfsim(fs);
    return v.provider().reboot(v);
  }

  /**
   * Lets {@code duration} of simulated time pass, as a program that sleeps: the kernel's timers
   * run (periodic writeback of dirty pages older than the expiry), and timestamps move on.
   */
  public static void sleep(FileSystem fs, Duration duration) throws IOException {
    vfsim(fs).host().sleep(duration);
  }

  /** Cuts the power of {@code fs} and reboots: the usual crash step of a test. */
  public static FileSystem powerCycle(FileSystem fs) throws IOException {
    faults(fs).powerCut();
    return reboot(fs);
  }

  private static VfsimFileSystem vfsim(FileSystem fs) {
    checkArgument(fs instanceof VfsimFileSystem, "not a vfsim filesystem: %s", fs);
    return (VfsimFileSystem) fs;
  }
}
