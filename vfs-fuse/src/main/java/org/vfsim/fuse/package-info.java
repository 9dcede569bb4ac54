/**
 * {@code vfsim mount}: a simulated filesystem served at a host directory through FUSE, so real
 * programs (fio, tar, SQLite, compilers) and real test suites run on it. The binding to libfuse 3
 * is our own, over the FFM API ({@link org.vfsim.fuse.LibFuse}, {@link org.vfsim.fuse.Layouts}):
 * it fills the whole {@code struct fuse_operations}, including {@code fallocate}, {@code lseek}
 * (SEEK_DATA/SEEK_HOLE) and {@code copy_file_range}. The C structures it reads and writes are
 * documented field by field in {@link org.vfsim.fuse.Layouts}.
 */
@NullMarked
package org.vfsim.fuse;

import org.jspecify.annotations.NullMarked;
