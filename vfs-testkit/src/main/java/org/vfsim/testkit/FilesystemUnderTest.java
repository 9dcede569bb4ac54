package org.vfsim.testkit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.vfsim.fs.FileSystemType;

/**
 * What a plugin's contract test hands the kit: the filesystem type and how to make and mount it.
 * Everything but the type has a default, so {@code FilesystemUnderTest.of(new MyFsType())} is a
 * complete answer.
 *
 * @param deviceBytes size of the simulated device; for a device-less type that takes a
 *     tmpfs-style {@code size=} mount option, the kit passes it as that limit where a test needs
 *     the filesystem to fill up
 * @param smallDeviceBytes the size used by tests that fill the filesystem ({@code ENOSPC})
 */
public record FilesystemUnderTest(FileSystemType type, String mkfsOptions, String mountOptions,
    long deviceBytes, int blockSize, long smallDeviceBytes) {
  public static final long DEFAULT_DEVICE_BYTES = 256L << 20;
  public static final long DEFAULT_SMALL_DEVICE_BYTES = 16L << 20;
  public static final int DEFAULT_BLOCK_SIZE = 4096;

  public FilesystemUnderTest {
    checkNotNull(type, "type");
    checkNotNull(mkfsOptions, "mkfsOptions");
    checkNotNull(mountOptions, "mountOptions");
    checkArgument(deviceBytes > 0 && smallDeviceBytes > 0, "device sizes must be positive");
    checkArgument(blockSize >= 512 && Integer.bitCount(blockSize) == 1,
        "block size %s is not a power of two >= 512", blockSize);
  }

  /** {@code type} with default options, a 256 MiB device of 4 KiB blocks. */
  public static FilesystemUnderTest of(FileSystemType type) {
    return new FilesystemUnderTest(type, "", "", DEFAULT_DEVICE_BYTES, DEFAULT_BLOCK_SIZE,
        DEFAULT_SMALL_DEVICE_BYTES);
  }

  public FilesystemUnderTest withMkfsOptions(String options) {
    return new FilesystemUnderTest(type, options, mountOptions, deviceBytes, blockSize,
        smallDeviceBytes);
  }

  public FilesystemUnderTest withMountOptions(String options) {
    return new FilesystemUnderTest(type, mkfsOptions, options, deviceBytes, blockSize,
        smallDeviceBytes);
  }

  public FilesystemUnderTest withDeviceBytes(long bytes) {
    return new FilesystemUnderTest(type, mkfsOptions, mountOptions, bytes, blockSize,
        smallDeviceBytes);
  }

  public FilesystemUnderTest withBlockSize(int size) {
    return new FilesystemUnderTest(type, mkfsOptions, mountOptions, deviceBytes, size,
        smallDeviceBytes);
  }

  public FilesystemUnderTest withSmallDeviceBytes(long bytes) {
    return new FilesystemUnderTest(type, mkfsOptions, mountOptions, deviceBytes, blockSize, bytes);
  }

  /** The same filesystem on a device of {@code bytes} (for tests that fill it). */
  FilesystemUnderTest sized(long bytes) {
    return withDeviceBytes(bytes);
  }
}
