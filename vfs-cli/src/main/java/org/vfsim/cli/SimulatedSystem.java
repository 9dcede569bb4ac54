package org.vfsim.cli;

import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
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
    Machine m = bootMachine();
    BlockDevice dev = null;
    if (type.has(Capability.BLOCK_DEVICE)) {
      if (sizeBytes < BLOCK_SIZE) {
        throw new CliFailure("--size " + sizeBytes + ": a device holds at least one "
            + BLOCK_SIZE + "-byte block");
      }
      dev = m.newDevice(type.name(), sizeBytes, BLOCK_SIZE, false);
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
   * Unmounts and writes the machine to {@code image} atomically: the filesystem type, its mkfs
   * and mount options, the simulated clock's time (nanoseconds since the first boot) and the
   * device.
   */
  void saveImage(Path image) throws IOException {
    checkState(device != null, "no device");
    unmount();
    MachineImage.write(image, out -> writePayload(out));
  }

  private void writePayload(ObjectOutputStream out) throws IOException {
    out.writeUTF(type.name());
    out.writeUTF(mkfsOptions);
    out.writeUTF(mountOptions);
    out.writeLong(machine.clock().nanoTime());
    device.saveTo(out);
  }

  /** Boots a machine from {@code image} and mounts its filesystem again. */
  static SimulatedSystem loadImage(PluginRegistry registry, Path image) throws IOException {
    return MachineImage.read(image, in -> fromPayload(registry, in));
  }

  private static SimulatedSystem fromPayload(PluginRegistry registry, ObjectInputStream in)
      throws IOException {
    FileSystemType type = registry.get(in.readUTF());
    String mkfs = in.readUTF();
    String mount = in.readUTF();
    long nanos = in.readLong();
    BlockDevice dev = BlockDevice.loadFrom(in);
    Machine m = bootMachine();
    // The machine resumes at exactly the saved time, so times never go backwards between runs.
    // Advancing a freshly booted machine is safe: before the mount its only timer is the
    // periodic writeback, which finds no dirty inode (720 no-op runs per simulated hour at the
    // default 5 s period), and the filesystem's own timers are armed by the mount, from the
    // restored time. MachineImageTest checks that restoring a day does no observable work.
    m.clock().advanceNanos(nanos);
    m.mount(type, dev, mount, MOUNT_POINT);
    return new SimulatedSystem(m, type, dev, mkfs, mount);
  }
}
