package org.vfsim.fs;

/** {@code struct stat}: sizes in bytes, {@code blocks} in 512-byte units, times in nanoseconds of simulated time. */
public record Stat(
    long dev,
    long ino,
    FileType type,
    int mode,
    int nlink,
    int uid,
    int gid,
    long size,
    long blocks,
    int blksize,
    long atimeNanos,
    long mtimeNanos,
    long ctimeNanos) {}
