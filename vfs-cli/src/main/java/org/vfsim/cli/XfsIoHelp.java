package org.vfsim.cli;

import com.google.common.base.Splitter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The extended help {@code help CMD} prints after a command's usage line, laid out as xfs_io lays
 * its own out (a blank line, then every line indented by one space, then a blank line), but
 * written for vfsim: each text says what the simulated command does, which options it accepts,
 * and where it departs from xfs_io on a real kernel.
 */
final class XfsIoHelp {
  private XfsIoHelp() {}

  /** Unindented bodies; {@link #render} adds the layout. */
  private static final Map<String, String> TEXTS = Map.ofEntries(
      Map.entry("pwrite", """
          writes a byte range of the current file with pwrite(2), piece by piece

          Example:
          'pwrite -S 0x41 -b 64k 0 1m' - 16 writes of 64 KiB of 'A' at offsets 0..960k

          Each piece (-b bytes, default 4096, at most 64 MiB) is one pwrite(2)
          through the simulated buffered write path: i_rwsem, then the
          filesystem's perform_write (or generic_perform_write with its
          write_begin/write_end), dirtying page-cache folios and throttling in
          balance_dirty_pages. A short write ends the loop; the report gives the
          bytes actually written. The timing line is simulated time: 1 us per
          system call plus the device time of the I/O it caused (SSD model).
          -b N -- size of each write (k/m/g suffixes as for offsets)
          -S N -- fill byte of the buffer (default 0xcd)
          -w   -- fdatasync(2) after the last write (counted in the time)
          -W   -- fsync(2) after the last write (counted in the time)
          -q   -- print nothing on success
          xfs_io's -i, -s, -d, -D, -N, -O, -F, -B, -R, -Z and -V are not
          simulated: they are refused as invalid options."""),
      Map.entry("pread", """
          reads a byte range of the current file with pread(2), piece by piece

          Example:
          'pread -v 4090 12' - dumps the 12 bytes straddling the first page boundary

          Each piece (-b bytes, default 4096) is one pread(2) through the page
          cache: missing folios are read from the device by the filesystem's
          read_folio, holes read as zeros. Reading stops at EOF, so the report
          may show fewer bytes than asked. A length that is not a number reads
          to EOF, as xfs_io's parser does.
          -b N -- size of each read (at most 64 MiB)
          -v   -- dump the bytes read in hex and as characters, per piece
          -q   -- print nothing on success
          xfs_io's -i, -F, -B, -R, -Z and -V are refused as invalid options."""),
      Map.entry("falloc", """
          changes the space allocated to a byte range with fallocate(2)

          Example:
          'falloc -k 1m 1m' - preallocates the second MiB without changing i_size

          Without options the range gets unwritten extents (reads return zeros
          until written) and i_size grows to cover it. Whether a mode is
          supported is the filesystem's choice: unsupported modes fail with
          "fallocate: Operation not supported", a full device with "No space
          left on device". Offsets and lengths are in bytes.
          -c -- FALLOC_FL_COLLAPSE_RANGE: remove the range, shift the rest down
          -k -- FALLOC_FL_KEEP_SIZE: leave i_size alone
          -p -- FALLOC_FL_PUNCH_HOLE (with KEEP_SIZE): free the range's blocks
          -u -- FALLOC_FL_UNSHARE_RANGE: give shared (reflinked) blocks a copy"""),
      Map.entry("fpunch", """
          frees the blocks of a byte range, leaving a hole

          Example:
          'fpunch 4k 8k' - punches out bytes 4096..12287

          fallocate(2) with FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE: partial
          blocks at either end are zeroed in place, whole blocks are
          unmapped and returned to the free-space allocator, and the page
          cache over the range is truncated. i_size does not change."""),
      Map.entry("fzero", """
          zeroes a byte range and makes sure it is allocated

          Example:
          'fzero 0 64k' - the first 64 KiB read as zeros and have blocks behind them

          fallocate(2) with FALLOC_FL_ZERO_RANGE: afterwards the range reads as
          zeros and has blocks behind it (typically unwritten extents), and
          i_size grows to cover it unless -k is given. As in xfs_io 6.1, a
          failure is reported but does not change the exit status.
          -k -- FALLOC_FL_KEEP_SIZE: leave i_size alone"""),
      Map.entry("truncate", """
          sets the current file's size with ftruncate(2)

          Example:
          'truncate 1m' - the file becomes exactly 1 MiB long

          Shrinking drops the page cache past the new EOF (truncate_pagecache)
          and has the filesystem free the blocks beyond it; growing leaves a
          hole that reads as zeros. The size takes k/m/g/t suffixes."""),
      Map.entry("fsync", """
          makes the current file durable with fsync(2)

          Example:
          'pwrite 0 4k' then 'fsync' - the 4 KiB survive a later 'powercut'

          Writes back the file's dirty folios, waits for the writeback, and
          then runs the filesystem's ->fsync: how it makes the inode and its
          allocation durable (journal or log commit, metadata writes) and
          whether it flushes the device's volatile write cache is that
          filesystem's policy, visible in 'counters'."""),
      Map.entry("fdatasync", """
          makes the current file's data durable with fdatasync(2)

          Example:
          'pwrite 0 4k' then 'fdatasync' - the data and the size reach the disk

          Like fsync, but the filesystem may skip metadata that is not needed
          to read the data back (timestamps); what it skips is the
          filesystem's ->fsync(datasync) policy."""),
      Map.entry("sync", """
          writes back every filesystem with sync(2)

          Example:
          'pwrite 0 1m' then 'sync' - nothing dirty is left in the page cache

          Writes back all dirty folios of every mounted filesystem, waits for
          them, and calls each superblock's sync_fs so that its metadata
          reaches the device. Runs once, not once per open file."""),
      Map.entry("mmap", """
          maps a range of the current file into the process's address space

          Example:
          'mmap -rw 0 64k' - a shared read-write mapping of the first 64 KiB

          With an offset and a length, mmap(2)s that range MAP_SHARED and makes
          the new mapping current. With no arguments, lists the mappings (the
          current one in brackets); with one number, makes that mapping
          current. Mapping past EOF succeeds; touching whole pages past EOF
          later kills the process with SIGBUS, as on Linux.
          -r -- PROT_READ
          -w -- PROT_WRITE
          -x -- PROT_EXEC
          (none of -r, -w, -x: all three)
          -S -- MAP_SYNC: no simulated filesystem has DAX, so this fails with
                "mmap: Operation not supported", as on a non-DAX filesystem
          -s N -- accepted and ignored: the simulated address space has
                nothing to reserve room around"""),
      Map.entry("mwrite", """
          stores bytes into the current mapping, taking page faults

          Example:
          'mwrite -S 0x42 0 100' - stores 100 'B' bytes at the mapping's start

          The offset is a file offset inside the mapping (default: all of it).
          The first store to each page takes a simulated write fault under the
          mmap_lock, which reads the folio in if needed and calls the
          filesystem's page_mkwrite (block allocation or delalloc
          reservation) before the folio is dirtied. A store to a page past
          EOF raises SIGBUS: "Bus error" and exit status 135.
          -S N -- byte to store (default 'X', 0x58)
          -r   -- accepted; the stores are made in one pass whatever the order"""),
      Map.entry("mread", """
          loads bytes from the current mapping, taking page faults

          Example:
          'mread -v 0 32' - dumps the mapping's first 32 bytes

          The offset is a file offset inside the mapping (default: all of it).
          Each first load from a page takes a simulated read fault, which
          reads the folio in through the page cache. Loading a whole page past
          EOF raises SIGBUS: "Bus error" and exit status 135.
          -v -- dump the bytes, offsets counted from the mapping's start
          -f -- dump the bytes, offsets counted from the file's start
          -r -- accepted; the loads are made in one pass whatever the order"""),
      Map.entry("msync", """
          writes the current mapping's dirty pages back with msync(2)

          Example:
          'mwrite 0 4k' then 'msync -s' - the stored bytes are on the device

          Range as for mread (default: the whole mapping); it is widened to
          page boundaries. Without options, -a -i.
          -a -- MS_ASYNC: start writeback and return
          -i -- MS_INVALIDATE
          -s -- MS_SYNC: write back the range and wait for it"""),
      Map.entry("munmap", """
          unmaps the current mapping with munmap(2)

          Example:
          'mmap -rw 0 4k' then 'munmap' - the mapping is gone

          Dirty pages stay dirty in the page cache (unmapping does not write
          them back); the first remaining mapping becomes current."""),
      Map.entry("fiemap", """
          prints the current file's extent map (FS_IOC_FIEMAP)

          Example:
          'fiemap -v' - one row per extent and hole, with flags

          Asks with FIEMAP_FLAG_SYNC, so dirty data is written back and
          delayed allocations are resolved first. Offsets and block ranges
          are in 512-byte units; holes show as 'hole'. Physical blocks are
          the simulated device's. Flags: 0x1 last, 0x800 unwritten, 0x2000
          shared. An optional offset and length restrict the map to a range.
          -v   -- the tabular form with a header, totals and flags
          -a, -l, -n N -- accepted for compatibility; they change nothing"""),
      Map.entry("seek", """
          finds the next data or hole with lseek(2) SEEK_DATA / SEEK_HOLE

          Example:
          'seek -a -r 0' - every data and hole start in the file

          The answer is the filesystem's (its seek_data/seek_hole over the
          extent map). EOF is an implicit hole; past the last data the
          answer is EOF.
          -a -- both the next data and the next hole
          -d -- the next data
          -h -- the next hole
          -r -- keep going to the end of the file
          -s -- also print the offset each search started from"""),
      Map.entry("stat", """
          prints the current file's stat(2) information

          Example:
          'stat -v' - adds the three timestamps

          Shows the inode number, type, size and 512-byte block count. Times
          are simulated time: 0 is the boot of the machine (the first one,
          for an --image) and is shown as the Unix epoch, 1970-01-01 00:00:00
          UTC; dates are ctime(3) in the C locale, UTC. vfsim's filesystems
          are not XFS, so the fsxattr lines XFS adds never appear.
          -v -- also atime, mtime and ctime as dates
          -r -- instead, the raw struct stat, one field a line (mode in octal,
                times as tv_sec/tv_nsec, device numbers as major/minor);
                -r wins over -v"""),
      Map.entry("statfs", """
          prints the statfs(2) information of the current file's filesystem

          Example:
          'statfs -s' - block and inode totals of the simulated filesystem

          Without options, everything that applies. The geometry and counts
          sections are XFS ioctls, so on vfsim's (foreign) filesystems they
          print nothing.
          -s -- the statfs(2) fields
          -c -- the XFS free-space counts (nothing here)
          -g -- the XFS geometry (nothing here)"""),
      Map.entry("open", """
          opens a file and makes it the current one

          Example:
          'open -f -m 0644 data2' - creates data2 if needed and opens it O_RDWR

          The path is relative to the simulated filesystem's root. With no
          arguments, runs 'stat' on the current file. The file is opened
          O_RDWR unless -r is given.
          -a -- O_APPEND
          -c, -f -- O_CREAT
          -d -- O_DIRECT: fails with "Invalid argument", as open(2) does on a
                filesystem without direct I/O (vfsim simulates buffered I/O)
          -m N -- mode bits of a created file (default 0600), read as C reads
                numbers: 0640 is octal, 0x1a0 hex, 416 decimal
          -P -- O_PATH: a descriptor that only names the file
          -r -- O_RDONLY
          -s -- O_SYNC: each write is written back before it returns
          -t -- O_TRUNC
          -T -- O_TMPFILE: fails with "Operation not supported" (no tmpfile)
          -L -- O_NOFOLLOW: no effect, the simulation has no symlinks
          -R, -x -- accepted; XFS realtime and expert flags change nothing"""),
      Map.entry("file", """
          lists the open files, or makes file N the current one

          Example:
          'file 1' - commands now act on the second open file

          The list shows each file's number (the current one in brackets),
          name and open flags; every simulated filesystem is 'foreign'."""),
      Map.entry("close", """
          closes the current file

          Example:
          'close' - the file's descriptor is closed and the list is shown

          The last close of a file description runs the filesystem's release
          (xfsish trims speculative preallocation past EOF there, ext2ish
          drops its reservation window). The file that takes the closed one's
          place in the list becomes current."""),
      Map.entry("quit", """
          ends the session

          Example:
          'quit' - later commands are not run

          Open files are closed and mappings removed, as at process exit.
          With --image, the filesystem is then unmounted and the machine,
          including its clock, is saved."""),
      Map.entry("help", """
          lists the commands, or explains one

          Example:
          'help mmap' - the usage line and this kind of text for mmap

          Without an argument, every command's usage line in alphabetical
          order. An unknown name prints 'command NAME not found'."""),
      Map.entry("reflink", """
          shares another file's blocks into the current file (FICLONE/FICLONERANGE)

          Example:
          'reflink src 0 1m 64k' - src's first 64 KiB also back bytes 1m..1m+64k

          With only a file name, the whole file (FICLONE, reported as 0 bytes);
          with offsets and a length, that range (FICLONERANGE). Afterwards both
          files point at the same physical extents (flag 0x2000 in fiemap);
          the next write to either copies on write. Only filesystems that
          implement remap_file_range (btrfsish) support it; others fail with
          "reflink: Operation not supported".
          -q -- print nothing on success
          -C -- accepted; it changes nothing"""),
      Map.entry("mpwrite", """
          vfsim: pwrite(2) whose source buffer is the current mapping

          Example:
          'mmap -rw 0 8k' then 'mpwrite 0 8k 0' - writes a file from its own mapping

          Writes len bytes at file offset off, copying from the current mapping
          at mapoff. When the mapping is of the file being written, the copy
          faults on the very folio the write path holds locked: the case that
          deadlocks a perform_write which does not fault the source in before
          write_begin (or copies with faults enabled under the folio lock).
          Use 'lockdep' afterwards to see what the validator saw."""),
      Map.entry("filefrag", """
          vfsim: the current file's extents as 'filefrag -v' prints them

          Example:
          'pwrite 0 1m' then 'filefrag' - the extent table and the count

          Same FIEMAP query as 'fiemap', in filesystem blocks, counting a new
          extent only where the physical block does not follow the previous
          extent's end (e2fsprogs 1.47's rule)."""),
      Map.entry("counters", """
          vfsim: prints the filesystem, page-cache and device counters

          Example:
          'pwrite 0 1m' then 'fsync' then 'counters' - allocations and I/O it took

          The filesystem's own counters (allocator calls, reservations,
          journal commits: each plugin chooses), the page cache's (pages,
          dirty, writeback, reclaim, throttling in balance_dirty_pages) and
          the block device's (requests, blocks, seeks, flushes, FUA, errors)."""),
      Map.entry("lockdep", """
          vfsim: prints the lock validator's reports so far

          Example:
          'mpwrite 0 8k 0' then 'lockdep' - did the write path invert a lock order?

          The validator checks every sleeping lock the simulation takes
          (i_rwsem, mmap_lock, folio locks, the filesystems' own locks)
          against the order they were seen taken in, as lockdep does. With
          no report it says so; any report sets exit status 1."""),
      Map.entry("powercut", """
          vfsim: cuts the power, reboots the filesystem and reopens the files

          Example:
          'pwrite 0 4k' then 'powercut' then 'stat' - the unsynced write is gone

          Every process dies, the page cache and the device's volatile write
          cache are lost, and the filesystem is mounted again from what the
          device holds (replaying its log, if it has one). The open files are
          reopened by name (without O_CREAT/O_TRUNC); mappings are gone.""")
  );

  /**
   * The extended help of {@code command} as {@code help command} prints it after the usage line
   * (blank line, indented body, blank line), or null if the command has none.
   */
  static @Nullable String render(String command) {
    String text = TEXTS.get(command);
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder("\n");
    for (String line : Splitter.on('\n').split(text)) {
      b.append(line.isEmpty() ? "" : " " + line).append('\n');
    }
    return b.append('\n').toString();
  }
}
