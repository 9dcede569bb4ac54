package org.vfsim.ramfs;

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

/**
 * A filesystem whose files live only in the page cache, like the kernel's ramfs: the baseline
 * that shows the cost of the write path itself, with no allocation policy at all. Unlike the
 * kernel's ramfs it takes a tmpfs-style {@code size=} limit, so that {@code ENOSPC} in the middle
 * of a write can be staged without a block device.
 */
public final class RamfsType implements FileSystemType {
  @Inject
  public RamfsType() {}

  @Override
  public String name() {
    return "ramfs";
  }

  @Override
  public String description() {
    return "page-cache-only filesystem (the kernel's ramfs, with a tmpfs-style size limit)";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.DIRECTORIES);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of();
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(OptionSpec.size("size", null, "most bytes of file data (default: no limit)"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {}

  @Override
  public SuperBlock mount(MountContext ctx) {
    return new RamfsSuperBlock(ctx);
  }
}
