package org.vfsim.fs;

import java.util.List;
import java.util.Set;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;

/**
 * A filesystem plugin ({@code struct file_system_type}): its name, what it supports, the options
 * it takes, and how to make and mount one. Built-in plugins contribute themselves to the
 * registry through a Dagger module; third-party plugin jars through {@code ServiceLoader}.
 */
public interface FileSystemType {
  /** The name used with {@code mount -t} and {@code --fs}. */
  String name();

  /** One line for {@code vfsim plugins}. */
  String description();

  Set<Capability> capabilities();

  List<OptionSpec> mkfsOptions();

  List<OptionSpec> mountOptions();

  /** Writes an empty filesystem onto {@code device} (ignored by device-less filesystems). */
  void mkfs(Machine machine, BlockDevice device, MountOptions options);

  /** Mounts the filesystem on {@code ctx.device()}, recovering from a power cut if needed. */
  SuperBlock mount(MountContext ctx);

  default boolean has(Capability c) {
    return capabilities().contains(c);
  }
}
