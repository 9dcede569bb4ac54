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
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.syscall.Errno;

/**
 * XFS-like: delayed allocation, speculative preallocation and unwritten extents, so that users
 * can measure what allocating at writeback instead of at {@code write()} buys.
 */
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
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES, Capability.FALLOCATE,
        Capability.PUNCH_HOLE, Capability.ZERO_RANGE, Capability.UNWRITTEN_EXTENTS,
        Capability.PERFORM_WRITE, Capability.POWER_CUT_DURABILITY);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of(OptionSpec.number("agcount", "4", "allocation groups (size and block size"
        + " are the device's; block sizes from 512 to 4096)"));
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(
        OptionSpec.size("allocsize", null, "fixed speculative preallocation size (a power of"
            + " two); disables the dynamic size"),
        OptionSpec.choice("alloc", "delalloc", "delalloc: reserve at write, allocate at"
            + " writeback; unwritten: allocate unwritten extents at write time", "delalloc",
            "unwritten"),
        OptionSpec.choice("write_path", "iomap", "iomap: the filesystem's perform_write;"
            + " generic: generic_perform_write with per-page write_begin/write_end", "iomap",
            "generic"),
        OptionSpec.flag("ikeep", "keep inode chunks whose inodes are all free (default: free"
            + " them)"),
        OptionSpec.text("policy", AllocationPolicies.DEFAULT, "where new blocks go: default"
            + " (XFS's exact/near/size allocation from the xfs_bmap_adjacent goal), firstfit,"
            + " bestfit, nextfit, or a policy a plugin jar provides"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    long agcount = options.number("agcount");
    if (agcount < 1 || agcount > 1024) {
      throw Errno.EINVAL.exception("agcount must be in [1, 1024]: " + agcount);
    }
    // mkfs.xfs stamps the root directory with the time it ran.
    XfsMount.mkfs(device, (int) agcount, machine.clock().nanoTime());
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    BlockDevice dev = ctx.device();
    if (dev == null) {
      throw Errno.ENODEV.exception("xfsish needs a block device");
    }
    return new XfsSuperBlock(ctx, XfsMount.load(dev));
  }
}
