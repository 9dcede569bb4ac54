package org.vfsim.fs;

/** {@code struct statfs}: counts of blocks of {@code bsize} bytes and of inodes. */
public record StatFs(
    long type,
    int bsize,
    long blocks,
    long bfree,
    long bavail,
    long files,
    long ffree,
    int namelen) {}
