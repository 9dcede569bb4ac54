package org.vfsim.ext2ish;

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

/** ext2-like: blocks allocated at write time, block groups, reservation windows */
public final class Ext2ishType implements FileSystemType {
  @Inject
  public Ext2ishType() {}

  @Override
  public String name() {
    return "ext2ish";
  }

  @Override
  public String description() {
    return "ext2-like: blocks allocated at write time, block groups, reservation windows";
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
    throw Errno.ENOSYS.exception("ext2ish is not implemented yet");
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    throw Errno.ENOSYS.exception("ext2ish is not implemented yet");
  }
}
