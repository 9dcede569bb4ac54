package org.vfsim.btrfsish;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.SuperBlock;
import org.vfsim.syscall.Errno;

/** btrfs-like: copy-on-write with data-space reservation */
public final class BtrfsishType implements FileSystemType {
  @Inject
  public BtrfsishType() {}

  @Override
  public String name() {
    return "btrfsish";
  }

  @Override
  public String description() {
    return "btrfs-like: copy-on-write with data-space reservation";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of();
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of();
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    throw Errno.ENOSYS.exception("btrfsish is not implemented yet");
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    throw Errno.ENOSYS.exception("btrfsish is not implemented yet");
  }
}
