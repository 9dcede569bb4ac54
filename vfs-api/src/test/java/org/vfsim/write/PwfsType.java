package org.vfsim.write;

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
 * A test-scope filesystem whose address-space operations implement {@code perform_write}: it
 * reserves space for the whole write up front (so ENOSPC can hit before any page is touched),
 * copies page by page under the write-path rules, and releases the unused reservation at the
 * end. Its {@code variant} option selects deliberately broken write paths for negative controls.
 */
public final class PwfsType implements FileSystemType {
  /** Which write path the filesystem runs. */
  enum Variant {
    /** The rules of write-path.md sections 2, 3 and 5. */
    CORRECT,
    /** No fault-in, and the copy runs with page faults enabled under the folio lock. */
    FAULTING,
    /** {@code write_end} commits a short copy into a page that is not uptodate. */
    SHORTCOMMIT,
  }

  public PwfsType() {}

  @Override
  public String name() {
    return "pwfs";
  }

  @Override
  public String description() {
    return "test filesystem with a multi-page perform_write and a backing store";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.DIRECTORIES, Capability.PERFORM_WRITE, Capability.FALLOCATE);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of();
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(
        OptionSpec.size("size", null, "space in bytes (default: unlimited)"),
        OptionSpec.size("maxbytes", null, "s_maxbytes (default: unlimited)"),
        OptionSpec.choice("variant", "correct", "write path", "correct", "faulting", "shortcommit"),
        OptionSpec.flag("noflush", "do not write back dirty data to make space on ENOSPC"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {}

  @Override
  public SuperBlock mount(MountContext ctx) {
    return new PwfsSuperBlock(ctx);
  }
}
