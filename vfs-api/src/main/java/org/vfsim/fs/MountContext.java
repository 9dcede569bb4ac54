package org.vfsim.fs;

import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;

/** What a filesystem gets at mount: the machine's services, its device and parsed options. */
public record MountContext(Machine machine, FileSystemType type, @Nullable BlockDevice device,
    MountOptions options) {}
