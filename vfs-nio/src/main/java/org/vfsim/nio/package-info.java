/**
 * A {@code java.nio.file} provider (scheme {@code vfsim}) over a simulated machine running any
 * vfsim filesystem, for testing applications against fsync durability, power cuts, ENOSPC and
 * I/O errors. The public API is {@link org.vfsim.nio.VfsimFileSystems}, {@link
 * org.vfsim.nio.Config}, {@link org.vfsim.nio.Faults}, {@link org.vfsim.nio.PowerCutException}
 * and the JUnit 5 {@link org.vfsim.nio.VfsimExtension}.
 *
 * <p>Where the issue was silent the Linux JDK and kernel decide: each {@code Files} operation is
 * the system calls {@code UnixFileSystemProvider} makes for it, errors are mapped as
 * {@code UnixException} maps them, a filesystem without link operations answers EPERM, and the
 * program is root with umask 022. Every call holds the host's lock (one CPU), so results depend
 * only on the program and the seed.
 */
package org.vfsim.nio;
