package org.vfsim.testkit.planted;

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

/**
 * A tiny device-less delayed-allocation filesystem for the kit's negative controls: data lives in the page
 * cache (as in ramfs), space is reserved per page at {@code write_begin}, a block is taken from
 * a bitmap at writeback, and fsck compares every block a file maps with the bitmap. With
 * {@link Bug#NONE} it is correct; each other {@link Bug} plants one defect the kit must catch.
 */
final class PlantedFsType implements FileSystemType {
  final Bug bug;

  PlantedFsType(Bug bug) {
    this.bug = bug;
  }

  @Override
  public String name() {
    return "planted-" + bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  @Override
  public String description() {
    return "test filesystem with a planted bug: " + bug;
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
    return List.of(OptionSpec.size("size", "64m", "bytes of simulated block space"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {}

  @Override
  public SuperBlock mount(MountContext ctx) {
    return new PlantedSuperBlock(ctx, bug);
  }
}
