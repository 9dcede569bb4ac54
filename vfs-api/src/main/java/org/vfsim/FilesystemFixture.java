package org.vfsim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.SuperBlock;
import org.vfsim.fs.Vfs;
import org.vfsim.kernel.UserProcess;
import org.vfsim.syscall.Syscalls;

/**
 * A booted machine with one filesystem made and mounted, in one expression: what a test or a
 * program using vfsim as a library starts from.
 *
 * <pre>{@code
 * FilesystemFixture fx = FilesystemFixture.of(new Ext2ishType())
 *     .deviceSize(64 << 20).mkfsOptions("-b 1024").build();
 * int fd = fx.sys().open(fx.path("f"), O_CREAT | O_RDWR, 0644);
 * }</pre>
 *
 * <p>A power cut ({@link #powerCut}) kills every process, as the real one does; the fixture
 * starts a new one, so {@link #sys} must be asked again afterwards.
 */
public final class FilesystemFixture {
  private final Machine machine;
  private final FileSystemType type;
  private final @Nullable BlockDevice device;
  private final String mountPoint;
  private UserProcess process;
  private Syscalls sys;

  private FilesystemFixture(Machine machine, FileSystemType type, @Nullable BlockDevice device,
      String mountPoint) {
    this.machine = machine;
    this.type = type;
    this.device = device;
    this.mountPoint = mountPoint;
    respawn();
  }

  /** A builder for a fixture of {@code type}: 256 MiB device of 4 KiB blocks, no options, /mnt. */
  public static Builder of(FileSystemType type) {
    return new Builder(checkNotNull(type));
  }

  public Machine machine() {
    return machine;
  }

  public FileSystemType type() {
    return type;
  }

  /** The device, or null for a type without {@link Capability#BLOCK_DEVICE}. */
  public @Nullable BlockDevice device() {
    return device;
  }

  public String mountPoint() {
    return mountPoint;
  }

  /** The superblock mounted now (a power cut replaces it). */
  public SuperBlock sb() {
    for (Vfs.Mount m : machine.vfs().mounts()) {
      if (m.path().equals(mountPoint)) {
        return m.sb();
      }
    }
    throw new IllegalStateException("nothing mounted at " + mountPoint);
  }

  /** The path of {@code name} under the mount point. */
  public String path(String name) {
    return mountPoint + "/" + name;
  }

  /** The system calls of the fixture's process (a new process after {@link #powerCut}). */
  public Syscalls sys() {
    return sys;
  }

  public UserProcess process() {
    return process;
  }

  /** Cuts the power and reboots: processes die, the filesystem mounts again from its device. */
  public void powerCut() {
    machine.powerCut();
    respawn();
  }

  private void respawn() {
    process = machine.spawn("app");
    sys = machine.syscalls(process.mainTask());
  }

  /** Collects the machine's and the filesystem's settings; {@link #build} boots and mounts. */
  public static final class Builder {
    private final FileSystemType type;
    private Configuration configuration = Configuration.defaults();
    private long deviceBytes = 256L << 20;
    private int blockSize = 4096;
    private boolean dataless;
    private String mkfsOptions = "";
    private String mountOptions = "";
    private String mountPoint = "/mnt";

    private Builder(FileSystemType type) {
      this.type = type;
    }

    public Builder configuration(Configuration c) {
      this.configuration = checkNotNull(c);
      return this;
    }

    public Builder deviceSize(long bytes) {
      checkArgument(bytes > 0, "device size must be positive: %s", bytes);
      this.deviceBytes = bytes;
      return this;
    }

    /** The device's block (sector) size. */
    public Builder blockSize(int bytes) {
      this.blockSize = bytes;
      return this;
    }

    /** File data is counted but not stored (allocation studies of large devices). */
    public Builder dataless(boolean d) {
      this.dataless = d;
      return this;
    }

    public Builder mkfsOptions(String options) {
      this.mkfsOptions = checkNotNull(options);
      return this;
    }

    public Builder mountOptions(String options) {
      this.mountOptions = checkNotNull(options);
      return this;
    }

    public Builder mountPoint(String path) {
      checkArgument(path.startsWith("/") && !path.equals("/"), "mount point %s", path);
      this.mountPoint = path;
      return this;
    }

    /** Boots the machine, makes the device and the filesystem, and mounts it. */
    public FilesystemFixture build() {
      Machine m = Machine.boot(configuration);
      BlockDevice dev = null;
      if (type.has(Capability.BLOCK_DEVICE)) {
        dev = m.newDevice("vdb", deviceBytes, blockSize, dataless);
        m.mkfs(type, dev, mkfsOptions);
      }
      m.mount(type, dev, mountOptions, mountPoint);
      return new FilesystemFixture(m, type, dev, mountPoint);
    }
  }
}
