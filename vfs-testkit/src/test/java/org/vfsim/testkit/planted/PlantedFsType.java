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
 * A tiny delayed-allocation filesystem for the kit's controls: space is reserved per page at
 * {@code write_begin}, a block is taken from a bitmap at writeback, and fsck compares every block
 * a file maps with the bitmap. Device-less by default (data lives in the page cache, space is a
 * {@code size=} option); the {@code full} variant keeps data on a block device, its metadata in a
 * durable image written at fsync/sync, and declares every optional capability, so that every
 * operation of the contract suite and the model checker (fallocate modes, reflink, power cut)
 * runs against it. With {@link Bug#NONE} it is correct; each other {@link Bug} plants one defect.
 */
final class PlantedFsType implements FileSystemType {
  final Bug bug;
  final boolean full;
  final boolean blocks;
  /** The mounts {@link Bug#KEEPS_EVERY_MOUNT} keeps, as btrfsish's per-device map once did. */
  private final java.util.Map<BlockDevice, SuperBlock> kept = new java.util.IdentityHashMap<>();

  PlantedFsType(Bug bug) {
    this(bug, false);
  }

  PlantedFsType(Bug bug, boolean full) {
    this(bug, full, false);
  }

  private PlantedFsType(Bug bug, boolean full, boolean blocks) {
    this.bug = bug;
    this.full = full || blocks;
    this.blocks = blocks;
  }

  /** The full variant with its metadata in device blocks ({@link PlantedBlockLayout}). */
  static PlantedFsType onBlocks(Bug bug) {
    return new PlantedFsType(bug, true, true);
  }

  @Override
  public String name() {
    return "planted-" + (blocks ? "blocks-" : full ? "full-" : "")
        + bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  @Override
  public String description() {
    return "test filesystem with a planted bug: " + bug;
  }

  @Override
  public Set<Capability> capabilities() {
    return full ? EnumSet.of(Capability.DIRECTORIES, Capability.BLOCK_DEVICE,
        Capability.FALLOCATE, Capability.PUNCH_HOLE, Capability.ZERO_RANGE, Capability.REFLINK,
        Capability.POWER_CUT_DURABILITY) : EnumSet.of(Capability.DIRECTORIES);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of();
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return full ? List.of()
        : List.of(OptionSpec.size("size", "64m", "bytes of simulated block space"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    DurableObjectStore.remove(device, PlantedSuperBlock.IMAGE);
    if (blocks) {
      PlantedBlockLayout.commit(device, new PlantedBlockLayout.Position(),
          PlantedSuperBlock.emptyImage(), Bug.NONE);
    }
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    PlantedSuperBlock sb = new PlantedSuperBlock(ctx, bug, full, blocks);
    if (bug == Bug.KEEPS_EVERY_MOUNT) {
      synchronized (kept) {
        kept.put(ctx.device(), sb);
      }
    }
    return sb;
  }
}
