package org.vfsim.cli;

import static com.google.common.base.Preconditions.checkState;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.SuperBlock;
import org.vfsim.fs.Vfs;
import org.vfsim.plugin.PluginRegistry;

/**
 * One simulated machine with one filesystem of the chosen type made on a fresh device (or loaded
 * from an {@code --image}) and mounted at {@link #MOUNT_POINT}: what {@code vfsim io} and each
 * variant of {@code vfsim compare} run on.
 */
final class SimulatedSystem {
  static final String MOUNT_POINT = "/mnt";
  static final int BLOCK_SIZE = 4096;

  private final Machine machine;
  private final FileSystemType type;
  private final @Nullable BlockDevice device;
  private final String mkfsOptions;
  private final String mountOptions;
  private boolean mounted = true;

  private SimulatedSystem(Machine machine, FileSystemType type, @Nullable BlockDevice device,
      String mkfsOptions, String mountOptions) {
    this.machine = machine;
    this.type = type;
    this.device = device;
    this.mkfsOptions = mkfsOptions;
    this.mountOptions = mountOptions;
  }

  /** The machine a command line builds: lockdep reports are collected, not thrown. */
  static Machine bootMachine() {
    return Machine.boot(Configuration.builder().lockdepThrows(false).build());
  }

  /** mkfs on a new device of {@code sizeBytes}, then mount. */
  static SimulatedSystem create(FileSystemType type, long sizeBytes, String mkfsOptions,
      String mountOptions) {
    return create(type, sizeBytes, mkfsOptions, mountOptions, false);
  }

  /**
   * mkfs on a new device of {@code sizeBytes}, then mount; a {@code dataless} device stores
   * metadata blocks only (file data reads back as zeros once its pages are reclaimed).
   */
  static SimulatedSystem create(FileSystemType type, long sizeBytes, String mkfsOptions,
      String mountOptions, boolean dataless) {
    Machine m = bootMachine();
    BlockDevice dev = null;
    if (type.has(Capability.BLOCK_DEVICE)) {
      if (sizeBytes < BLOCK_SIZE) {
        throw new CliFailure("--size " + sizeBytes + ": a device holds at least one "
            + BLOCK_SIZE + "-byte block");
      }
      dev = m.newDevice(type.name(), sizeBytes, BLOCK_SIZE, dataless);
      m.mkfs(type, dev, mkfsOptions);
    }
    m.mount(type, dev, mountOptions, MOUNT_POINT);
    return new SimulatedSystem(m, type, dev, mkfsOptions, mountOptions);
  }

  Machine machine() {
    return machine;
  }

  FileSystemType type() {
    return type;
  }

  @Nullable BlockDevice device() {
    return device;
  }

  String mkfsOptions() {
    return mkfsOptions;
  }

  String mountOptions() {
    return mountOptions;
  }

  /** The mounted superblock (a power cut replaces it, so ask each time). */
  SuperBlock superBlock() {
    for (Vfs.Mount mount : machine.vfs().mounts()) {
      if (mount.path().equals(MOUNT_POINT)) {
        return mount.sb();
      }
    }
    throw new IllegalStateException("nothing mounted at " + MOUNT_POINT);
  }

  /** The simulated path of a path the user gave: relative to the filesystem's root. */
  static String pathOf(String userPath) {
    String p = userPath;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p.isEmpty() ? MOUNT_POINT : MOUNT_POINT + "/" + p;
  }

  /** sync + umount: the filesystem stores its metadata image on the device. */
  void unmount() {
    if (mounted) {
      machine.syscalls(machine.kernelTask()).umount(MOUNT_POINT);
      mounted = false;
    }
  }

  // ---- images --------------------------------------------------------------------------------

  /**
   * Unmounts and writes the machine to {@code image} atomically: the device's blocks, then the
   * filesystem type, its mkfs and mount options and the simulated clock's time.
   */
  void saveImage(MachineImage.Target image) {
    checkState(device != null, "no device");
    unmount();
    MachineImage.write(image, device, new ImageTrailer(type.name(), mkfsOptions, mountOptions,
        machine.clock().nanoTime(), device.sizeBytes(), device.blockSize(), device.dataless()));
  }

  /** {@link #saveImage(MachineImage.Target)} to a path, checked first. */
  void saveImage(Path image) {
    saveImage(MachineImage.check(image, true));
  }

  /** Boots a machine from the image at {@code image} (checked) and mounts its filesystem. */
  static SimulatedSystem loadImage(PluginRegistry registry, Path image) {
    MachineImage.Target t = MachineImage.check(image, false);
    return loadImage(registry, t, MachineImage.readTrailer(t));
  }

  /** Boots a machine from an image whose trailer was checked, and mounts its filesystem. */
  static SimulatedSystem loadImage(PluginRegistry registry, MachineImage.Target image,
      ImageTrailer trailer) {
    FileSystemType type;
    try {
      type = registry.get(trailer.fsType());
    } catch (RuntimeException e) {
      throw new CliFailure(image.shown() + ": holds a filesystem of type '" + trailer.fsType()
          + "', which this vfsim does not have");
    }
    if (!type.has(Capability.BLOCK_DEVICE)) {
      throw new CliFailure(image.shown() + ": holds a " + type.name()
          + " filesystem, which keeps nothing on a device");
    }
    Machine m = bootMachine();
    BlockDevice dev = m.newDevice(type.name(), trailer.deviceBytes(), trailer.blockSize(),
        trailer.dataless());
    MachineImage.readBlocks(image, trailer, dev);
    // The machine resumes at exactly the saved time, so times never go backwards between runs,
    // and without replaying the periodic timers of the time in between (nothing ran while the
    // image was stored): the filesystem's own timers are armed by the mount, from that time.
    m.clock().resumeAt(trailer.clockNanos());
    m.mount(type, dev, trailer.mountOptions(), MOUNT_POINT);
    return new SimulatedSystem(m, type, dev, trailer.mkfsOptions(), trailer.mountOptions());
  }
}
