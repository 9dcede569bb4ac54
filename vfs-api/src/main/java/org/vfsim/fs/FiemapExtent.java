package org.vfsim.fs;

/**
 * One extent of {@code FS_IOC_FIEMAP}, in bytes, with the kernel's {@code FIEMAP_EXTENT_*} flags.
 */
public record FiemapExtent(long logical, long physical, long length, int flags) {
  public static final int LAST = 0x1;
  public static final int UNKNOWN = 0x2;
  public static final int DELALLOC = 0x4;
  public static final int ENCODED = 0x8;
  public static final int DATA_ENCRYPTED = 0x80;
  public static final int NOT_ALIGNED = 0x100;
  public static final int DATA_INLINE = 0x200;
  public static final int DATA_TAIL = 0x400;
  public static final int UNWRITTEN = 0x800;
  public static final int MERGED = 0x1000;
  public static final int SHARED = 0x2000;

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  public long logicalEnd() {
    return logical + length;
  }

  public FiemapExtent withFlags(int newFlags) {
    return new FiemapExtent(logical, physical, length, newFlags);
  }
}
