package org.vfsim.fs;

/** One directory entry as {@code readdir} returns it. */
public record DirEntry(String name, long ino, FileType type) {}
