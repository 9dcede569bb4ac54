package org.vfsim.nio;

import java.nio.file.FileSystemException;

/**
 * Thrown by every operation on a filesystem, or a channel of it, after its power was cut: the
 * machine is gone, as a process does not outlive its machine. Mount the device again with
 * {@link VfsimFileSystems#reboot}.
 */
public final class PowerCutException extends FileSystemException {
  PowerCutException(String file) {
    super(file, null, "power was cut; VfsimFileSystems.reboot(fs) mounts the device again");
  }
}
