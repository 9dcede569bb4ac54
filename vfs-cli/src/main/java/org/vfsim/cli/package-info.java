/**
 * The {@code vfsim} command line: {@code io} (xfs_io on a simulated filesystem), {@code compare},
 * {@code fsx} and {@code plugins}.
 *
 * <h2>The {@code --image} file</h2>
 *
 * <p>A raw image of the simulated block device followed by a trailer. Bytes {@code [0, D)}, D
 * the device size, are the device's blocks at their offsets; blocks of zeros are holes of the
 * sparse host file (a block the device never stored is not written). The trailer follows at
 * offset D and ends the file; all integers little-endian:
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "VFSIMRAW" (ASCII)
 *      8     4  format version, 2 (version 1 was a Java-serialized image starting "VFSIMIMG")
 *     12     4  flags: bit 0 = dataless device (file data was never stored); others zero
 *     16     8  device size D in bytes: a multiple of the block size, at most 2^60
 *     24     4  block size: a power of two in [512, 65536]
 *     28     4  reserved, zero
 *     32     8  simulated clock in nanoseconds since the first boot, in [0, 2^62]
 *     40   2+n  filesystem type: u16 length n, then n bytes of UTF-8
 *      .   2+n  mkfs options, the same way
 *      .   2+n  mount options, the same way
 *  L - 8     4  L, the trailer's total length in bytes (at most 12,342)
 *  L - 4     4  CRC32C (Castagnoli) of the trailer's first L - 4 bytes
 * </pre>
 *
 * <p>A reader takes L from the file's last 8 bytes, checks the magic, the CRC32C, every field's
 * range, and that the file is exactly D + L bytes, before it reads any block; it reads only the
 * host file's data ranges ({@code SEEK_DATA}/{@code SEEK_HOLE}). The device's blocks are not
 * checksummed here: like a disk, they are the filesystem's to check when it mounts.
 */
package org.vfsim.cli;
