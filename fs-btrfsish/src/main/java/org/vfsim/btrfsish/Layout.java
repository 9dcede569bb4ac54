package org.vfsim.btrfsish;

/**
 * Where things live on the device, fixed at mkfs: the reserved start (superblock at 64 KiB as
 * in btrfs), a metadata region for tree nodes and a data region for file extents.
 */
record Layout(long totalBytes, int sectorSize, int nodeSize, long superBytenr, long metaStart,
    long metaBytes, long dataStart, long dataBytes) {
  long dataEnd() {
    return dataStart + dataBytes;
  }
}
