package org.vfsim.testkit;

import static com.google.common.base.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;
import org.vfsim.Configuration;
import org.vfsim.FilesystemFixture;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.UserProcess;
import org.vfsim.syscall.Syscalls;

/**
 * A booted machine with the filesystem under test made and mounted at {@value #MOUNT_POINT},
 * and a user process to make system calls: the fixture every contract test and the model
 * checker start from. It survives a power cut (the process is respawned, as after a reboot).
 */
public final class MountedFilesystem {
  public static final String MOUNT_POINT = "/mnt";

  private final FilesystemFixture fixture;

  private MountedFilesystem(FilesystemFixture fixture) {
    this.fixture = fixture;
  }

  /** Boots a machine and mounts {@code fut} on a device of {@code fut.deviceBytes()}. */
  public static MountedFilesystem mount(FilesystemUnderTest fut) {
    return mount(fut, false, Configuration.defaults());
  }

  /**
   * Boots and mounts. With {@code limitSize}, a device-less type is mounted with a tmpfs-style
   * {@code size=} of {@code fut.deviceBytes()} so that it can fill up; {@link #canLimitSize}
   * tells whether the type takes that option.
   */
  public static MountedFilesystem mount(FilesystemUnderTest fut, boolean limitSize,
      Configuration config) {
    checkNotNull(fut);
    FileSystemType type = fut.type();
    String opts = fut.mountOptions();
    if (!type.has(Capability.BLOCK_DEVICE) && limitSize && canLimitSize(type)) {
      opts = opts.isEmpty() ? "size=" + fut.deviceBytes() : opts + ",size=" + fut.deviceBytes();
    }
    FilesystemFixture fx = FilesystemFixture.of(type).configuration(config)
        .deviceSize(fut.deviceBytes()).blockSize(fut.blockSize())
        .mkfsOptions(fut.mkfsOptions()).mountOptions(opts).mountPoint(MOUNT_POINT).build();
    return new MountedFilesystem(fx);
  }

  /** Whether the space of {@code type} can be bounded: it has a device or a {@code size=} option. */
  public static boolean canLimitSize(FileSystemType type) {
    if (type.has(Capability.BLOCK_DEVICE)) {
      return true;
    }
    for (OptionSpec o : type.mountOptions()) {
      if (o.name().equals("size") && o.kind() == OptionSpec.Kind.SIZE) {
        return true;
      }
    }
    return false;
  }

  public Machine machine() {
    return fixture.machine();
  }

  public FileSystemType type() {
    return fixture.type();
  }

  public @Nullable BlockDevice device() {
    return fixture.device();
  }

  /** The system calls of the test process (a new process after {@link #powerCut}). */
  public Syscalls sys() {
    return fixture.sys();
  }

  public UserProcess process() {
    return fixture.process();
  }

  /** The superblock mounted at {@value #MOUNT_POINT} now (a power cut replaces it). */
  public SuperBlock sb() {
    return fixture.sb();
  }

  /** {@value #MOUNT_POINT}/{@code name}. */
  public String path(String name) {
    return fixture.path(name);
  }

  /** A second thread of the test process (shares its mm and files). */
  public Syscalls newThread(String name) {
    return fixture.machine().syscalls(fixture.process().newThread(name));
  }

  /** Cuts the power and reboots: processes die, the filesystem is mounted again from its device. */
  public void powerCut() {
    fixture.powerCut();
  }
}
