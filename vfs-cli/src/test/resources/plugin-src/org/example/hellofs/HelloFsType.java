package org.example.hellofs;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.SuperBlock;
import org.vfsim.ramfs.RamfsType;

/**
 * A third-party plugin compiled by PluginJarTest into a jar outside the tree: ramfs renamed,
 * claiming a device it does not use (and, like ramfs, without FIEMAP).
 */
public final class HelloFsType implements FileSystemType {
  private final RamfsType ramfs = new RamfsType();

  @Override
  public String name() {
    return "hellofs";
  }

  @Override
  public String description() {
    return "an out-of-tree test plugin (ramfs under another name)";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return ramfs.mkfsOptions();
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return ramfs.mountOptions();
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {}

  @Override
  public SuperBlock mount(MountContext ctx) {
    return ramfs.mount(ctx);
  }
}
