package org.vfsim.xfsish;

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

/** XFS-like: delayed allocation, speculative preallocation, unwritten extents */
public final class XfsishType implements FileSystemType {
  @Inject
  public XfsishType() {}

  @Override
  public String name() {
    return "xfsish";
  }

  @Override
  public String description() {
    return "XFS-like: delayed allocation, speculative preallocation, unwritten extents";
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
    throw Errno.ENOSYS.exception("xfsish is not implemented yet");
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    throw Errno.ENOSYS.exception("xfsish is not implemented yet");
  }
}
