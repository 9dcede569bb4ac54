package org.vfsim.fs.alloc;

/** One extent of a file: {@code length} blocks at file block {@code logical} stored at {@code physical}. */
public record MappedExtent(long logical, long physical, long length) {}
