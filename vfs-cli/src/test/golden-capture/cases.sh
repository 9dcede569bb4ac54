# The golden cases; sourced by capture.sh, which defines xcase, fcase and summary.
# shellcheck shell=bash

# --- pwrite ---------------------------------------------------------------------
xcase pwrite-basic tmpfs "one 4 KiB write with the default seed and block size" \
  -- -f -c 'pwrite 0 4096' @FILE@
xcase pwrite-default-seed tmpfs "the default fill byte 0xcd dumps as '.'" \
  -- -f -c 'pwrite 0 20' -c 'pread -v 0 20' @FILE@
xcase pwrite-seed tmpfs "-S 0x41 fills with 'A'; the 100-byte dump ends in a partial line" \
  -- -f -c 'pwrite -S 0x41 0 100' -c 'pread -v 0 100' @FILE@
xcase pwrite-bsize tmpfs "-b 1000 splits 10000 bytes into 10 ops; 10000 bytes render as 10 KiB" \
  -- -f -c 'pwrite -b 1000 0 10000' @FILE@
xcase pwrite-unaligned tmpfs "unaligned offset and length; the last op is short" \
  -- -f -c 'pwrite 100 5000' @FILE@
xcase pwrite-suffixes tmpfs "offsets and lengths take k/m suffixes; 1 MiB is 256 ops" \
  -- -f -c 'pwrite 1k 2k' -c 'pwrite 1m 1m' @FILE@
xcase pwrite-sub-kib tmpfs "byte counts under 1 KiB print as %f bytes" \
  -- -f -c 'pwrite 0 1' -c 'pwrite 0 1023' -c 'pwrite 0 1024' @FILE@
xcase pwrite-fdatasync tmpfs "-w (fdatasync after writing) prints nothing extra" \
  -- -f -c 'pwrite -w 0 4096' @FILE@
xcase pwrite-fsync tmpfs "-W (fsync after writing) prints nothing extra" \
  -- -f -c 'pwrite -W 0 4096' @FILE@
xcase pwrite-zero-bsize tmpfs "-b 0 writes nothing: 0 ops and a 0 bytes/sec rate" \
  -- -f -c 'pwrite -b 0 0 1' @FILE@
xcase pwrite-no-args tmpfs "missing arguments: argument-count error on stderr, exit 0" \
  -- -f -c 'pwrite' @FILE@
xcase pwrite-one-arg tmpfs "one argument: argument-count error" \
  -- -f -c 'pwrite 0' @FILE@
xcase pwrite-negative-offset tmpfs "-1 is taken as an option: getopt error then usage" \
  -- -f -c 'pwrite -1 10' @FILE@
xcase pwrite-garbage-offset tmpfs "non-numeric offset" \
  -- -f -c 'pwrite abc 10' @FILE@
xcase pwrite-garbage-length tmpfs "non-numeric length" \
  -- -f -c 'pwrite 0 abc' @FILE@
xcase pwrite-garbage-seed tmpfs "non-numeric seed" \
  -- -f -c 'pwrite -S zz 0 1' @FILE@
xcase pwrite-read-only tmpfs "write to a file opened -r: pwrite: Bad file descriptor" \
  -- -f -c 'close' -c 'open -r @FILE@' -c 'pwrite 0 10' @FILE@
xcase pwrite-too-large ext4 "write past ext4's maximum file size" \
  -- -f -c 'pwrite 17t 1' @FILE@
xcase pwrite-offset-overflow tmpfs "offset whose end overflows loff_t" \
  -- -f -c 'pwrite 9223372036854771712 4096' @FILE@

# --- pread ----------------------------------------------------------------------
xcase pread-basic tmpfs "read back 4 KiB" \
  -- -f -c 'pwrite 0 4096' -c 'pread 0 4096' @FILE@
xcase pread-bsize tmpfs "-b 1000 over 10000 bytes is 10 ops" \
  -- -f -c 'pwrite 0 10000' -c 'pread -b 1000 0 10000' @FILE@
xcase pread-short-at-eof tmpfs "a read that reaches EOF reports the short count" \
  -- -f -c 'pwrite 0 10000' -c 'pread 9990 100' @FILE@
xcase pread-past-eof tmpfs "a read wholly past EOF: read 0/10, 0 ops, -nan rates" \
  -- -f -c 'pwrite 0 10000' -c 'pread 20000 10' @FILE@
xcase pread-v-printable tmpfs "dump of bytes 0..255: only letters and digits print" \
  -- -f -c 'pwrite -S 0x00 0 256' -c 'pwrite -S 0x20 32 1' -c 'pwrite -S 0x2e 33 1' \
     -c 'pwrite -S 0x30 48 1' -c 'pwrite -S 0x39 57 1' -c 'pwrite -S 0x41 65 1' \
     -c 'pwrite -S 0x5a 90 1' -c 'pwrite -S 0x61 97 1' -c 'pwrite -S 0x7a 122 1' \
     -c 'pwrite -S 0x7e 126 1' -c 'pwrite -S 0xff 255 1' -c 'pread -v 0 256' @FILE@
xcase pread-v-partial-line tmpfs "-v of 40 bytes: two full lines and an unpadded 8-byte line" \
  -- -f -c 'pwrite -S 0x41 0 40' -c 'pread -v 0 40' @FILE@
xcase pread-v-unaligned-offset tmpfs "-v labels lines from the read offset, not aligned to 16" \
  -- -f -c 'pwrite -S 0x62 0 10000' -c 'pread -v 9990 20' @FILE@
xcase pread-v-bsize tmpfs "-v with -b 10: one dump per op, each labelled with its own offset" \
  -- -f -c 'pwrite -S 0x63 0 40' -c 'pread -v -b 10 0 40' @FILE@
xcase pread-v-past-eof tmpfs "-v past EOF dumps nothing" \
  -- -f -c 'pwrite 0 100' -c 'pread -v 200 10' @FILE@
xcase pread-no-args tmpfs "missing arguments" \
  -- -f -c 'pread' @FILE@
xcase pread-garbage-offset tmpfs "non-numeric offset reaches the syscall as -1: Invalid argument" \
  -- -f -c 'pwrite 0 10' -c 'pread xyz 1' @FILE@
xcase pread-garbage-length tmpfs "non-numeric length is taken as -1: reads to EOF" \
  -- -f -c 'pwrite 0 10000' -c 'pread 0 xyz' @FILE@
xcase pread-negative-offset tmpfs "-1 is taken as an option" \
  -- -f -c 'pread -1 1' @FILE@
xcase pread-o-path tmpfs "read through an O_PATH descriptor: pread: Bad file descriptor" \
  -- -f -c 'close' -c 'open -P @FILE@' -c 'pread 0 1' @FILE@
xcase pread-after-close tmpfs "after closing the only file, file commands are skipped silently" \
  -- -f -c 'close' -c 'pread 0 10' -c 'pwrite 0 10' -c 'stat' @FILE@

# --- space management -----------------------------------------------------------
xcase falloc tmpfs "falloc is silent and extends the size" \
  -- -f -c 'falloc 0 64k' -c 'pread 0 1m' @FILE@
xcase falloc-keep-size tmpfs "falloc -k keeps the size" \
  -- -f -c 'pwrite 0 4k' -c 'falloc -k 0 64k' -c 'pread 0 1m' @FILE@
xcase falloc-enospc xfs "falloc larger than the filesystem" \
  -- -f -c 'falloc 0 1g' @FILE@
xcase falloc-too-large ext4 "falloc past ext4's maximum file size" \
  -- -f -c 'falloc 17t 4096' @FILE@
xcase falloc-read-only tmpfs "falloc on a read-only descriptor" \
  -- -f -c 'close' -c 'open -r @FILE@' -c 'falloc 0 4096' @FILE@
xcase falloc-one-arg tmpfs "argument-count error (exit 0)" \
  -- -f -c 'falloc 0' @FILE@
xcase falloc-garbage tmpfs "non-numeric offset" \
  -- -f -c 'falloc a b' @FILE@
xcase fpunch tmpfs "fpunch is silent; the punched range reads as zeros and seeks as a hole" \
  -- -f -c 'pwrite -S 0x41 0 12k' -c 'fpunch 4k 4k' -c 'pread -v 4090 12' -c 'seek -a -r 0' @FILE@
xcase fpunch-one-arg tmpfs "argument-count error" \
  -- -f -c 'fpunch 0' @FILE@
xcase fzero ext4 "fzero is silent, zeroes and extends the size" \
  -- -f -c 'pwrite -S 0x41 0 8k' -c 'fzero 4k 8k' -c 'pread -v 4090 12' -c 'pread 0 1m' @FILE@
xcase fzero-keep-size ext4 "fzero -k zeroes without changing the size" \
  -- -f -c 'pwrite -S 0x41 0 8k' -c 'fzero -k 4k 8k' -c 'pread 0 1m' @FILE@
xcase fzero-one-arg tmpfs "argument-count error: fzero counts its -k (between 2 and 3 arguments)" \
  -- -f -c 'fzero 0' @FILE@
xcase fzero-tmpfs tmpfs "tmpfs lacks FALLOC_FL_ZERO_RANGE: fallocate: Operation not supported" \
  -- -f -c 'fzero 0 4096' @FILE@
xcase truncate tmpfs "truncate is silent; shrink then grow" \
  -- -f -c 'pwrite 0 10000' -c 'truncate 100' -c 'pread 0 1m' -c 'truncate 1m' -c 'pread 0 2m' @FILE@
xcase truncate-no-args tmpfs "argument-count error (the wording differs: expected 1 arguments)" \
  -- -f -c 'truncate' @FILE@
xcase truncate-garbage tmpfs "non-numeric truncate argument" \
  -- -f -c 'truncate abc' @FILE@
xcase truncate-negative tmpfs "a negative size is non-numeric too" \
  -- -f -c 'truncate -5' @FILE@
xcase fsync-extra-arg tmpfs "fsync takes no arguments" \
  -- -f -c 'fsync 1' @FILE@
xcase fsync-fdatasync tmpfs "fsync and fdatasync are silent" \
  -- -f -c 'pwrite 0 4096' -c 'fsync' -c 'fdatasync' @FILE@

# --- mmap -----------------------------------------------------------------------
xcase mmap-list tmpfs "mmap -rw/-r/-w/-x/none then the listing; [NNN] marks the current one" \
  -- -f -c 'pwrite 0 16k' -c 'mmap -rw 0 8192' -c 'mmap -r 4096 4096' -c 'mmap -w 0 100' \
     -c 'mmap -x 0 4096' -c 'mmap 8192 8192' -c 'mmap' @FILE@
xcase mmap-bad-args tmpfs "mmap with three arguments prints its usage line (stdout), exit 1" \
  -- -f -c 'mmap 0 1 2' @FILE@
xcase mmap-list-empty tmpfs "mmap listing with no mappings: error on stderr, exit 1" \
  -- -f -c 'mmap' @FILE@
xcase mmap-select tmpfs "mmap N makes mapping N current and lists" \
  -- -f -c 'pwrite 0 8k' -c 'mmap -r 0 4096' -c 'mmap -r 4096 4096' -c 'mmap 0' @FILE@
xcase mwrite-mread tmpfs "mwrite -S then mread -v; mread without -v prints nothing" \
  -- -f -c 'pwrite 0 8k' -c 'mmap -rw 0 8192' -c 'mwrite -S 0x42 0 100' -c 'mread -v 90 20' \
     -c 'mread 0 8192' @FILE@
xcase mwrite-default-seed tmpfs "mwrite's default fill is 'X'" \
  -- -f -c 'pwrite 0 4k' -c 'mmap -rw 0 4096' -c 'mwrite 0 10' -c 'mread -v 0 16' @FILE@
xcase mread-offsets tmpfs "mread takes file offsets; -v labels relative to the mapping, -f to the file" \
  -- -f -c 'pwrite -S 0x41 0 16k' -c 'mmap -r 4096 8192' -c 'mread -v 4096 20' -c 'mread -f 4100 20' @FILE@
xcase mread-out-of-range tmpfs "mread before and past the mapping" \
  -- -f -c 'pwrite 0 16k' -c 'mmap -r 4096 8192' -c 'mread -v 0 20' -c 'mread -v 20000 3' @FILE@
xcase msync-munmap tmpfs "msync, msync -s, munmap are silent; the listing then fails" \
  -- -f -c 'pwrite 0 8k' -c 'mmap -rw 0 8192' -c 'mwrite 0 10' -c 'msync' -c 'msync -s 0 4096' \
     -c 'munmap' -c 'mmap' @FILE@
xcase mmap-no-mapping tmpfs "mwrite, mread, msync, munmap without a mapping" \
  -- -f -c 'mwrite 0 1' -c 'mread 0 1' -c 'msync' -c 'munmap' @FILE@
xcase mmap-past-eof tmpfs "mmap past EOF succeeds (the fault would not)" \
  -- -f -c 'pwrite 0 100' -c 'mmap -r 0 8192' -c 'mread -v 0 16' -c 'mmap' @FILE@
xcase mmap-sync-flag tmpfs "mmap -S asks for MAP_SYNC, which a non-DAX file refuses" \
  -- -f -c 'pwrite -q 0 4k' -c 'mmap -S 0 4096' -c 'mmap' @FILE@

# --- fiemap ---------------------------------------------------------------------
xcase fiemap-v-holes-unwritten ext4 "fiemap -v: data, hole, unwritten (0x800), last (0x1)" \
  -- -f -c 'pwrite 0 64k' -c 'falloc 128k 64k' -c 'pwrite 512k 4k' -c 'fsync' -c 'fiemap -v' @FILE@
xcase fiemap-plain ext4 "fiemap without -v: tab-indented rows" \
  -- -f -c 'pwrite 0 64k' -c 'falloc 128k 64k' -c 'pwrite 512k 4k' -c 'fsync' -c 'fiemap' @FILE@
xcase fiemap-v-leading-hole ext4 "a leading hole row; the 17-char offset column overflows by its colon" \
  -- -f -c 'pwrite 64k 4k' -c 'pwrite 100m 4k' -c 'fsync' -c 'fiemap -v' @FILE@
xcase fiemap-v-wide ext4 "huge offsets: FILE-OFFSET grows; hole totals do not widen TOTAL" \
  -- -f -c 'pwrite 0 4k' -c 'pwrite 100g 4k' -c 'pwrite 15t 8k' -c 'fsync' -c 'fiemap -v' @FILE@
xcase fiemap-v-unwritten-last ext4 "unwritten last extent beyond EOF: 0x801" \
  -- -f -c 'pwrite 0 8k' -c 'falloc -k 64k 64k' -c 'fsync' -c 'fiemap -v' @FILE@
xcase fiemap-v-range ext4 "fiemap -v OFF LEN clips rows to the range" \
  -- -f -c 'pwrite 0 64k' -c 'pwrite 512k 4k' -c 'fsync' -c 'fiemap -v 4096 8192' @FILE@
xcase fiemap-v-empty ext4 "an empty file prints only the name line" \
  -- -f -c 'fiemap -v' @FILE@
xcase fiemap-v-sparse-only ext4 "a file that is one hole prints only the name line" \
  -- -f -c 'truncate 1m' -c 'fiemap -v' -c 'fiemap' @FILE@
xcase fiemap-v-shared xfs "XFS reflink: shared (0x2000), last+shared (0x2001), FLAGS widens to 6" \
  -- -f -c 'pwrite -b 1m 0 1m' -c 'pwrite 8m 4k' -c 'fsync' -c 'close' -c 'open -f @FILE@' \
     -c 'reflink @FILE2@' -c 'pwrite 4k 4k' -c 'fsync' -c 'fiemap -v' @FILE2@
xcase fiemap-tmpfs tmpfs "tmpfs has no FIEMAP: the name line, then the ioctl error" \
  -- -f -c 'fiemap -v' @FILE@

# --- seek -----------------------------------------------------------------------
xcase seek-all ext4 "seek -a -r 0 over data, hole, data" \
  -- -f -c 'pwrite 0 64k' -c 'pwrite 1m 64k' -c 'seek -a -r 0' @FILE@
xcase seek-variants ext4 "seek -d, -h, -a without -r, -s, and past EOF" \
  -- -f -c 'pwrite 0 64k' -c 'pwrite 1m 64k' -c 'seek -d 100k' -c 'seek -h 0' -c 'seek -a 100k' \
     -c 'seek -s -a 100k' -c 'seek -a -r 2m' -c 'seek -d -r 0' -c 'seek -h -r 0' @FILE@
xcase seek-leading-hole ext4 "seek -a -r 0 on a file that starts with a hole" \
  -- -f -c 'pwrite 1m 4k' -c 'seek -a -r 0' @FILE@
xcase seek-empty tmpfs "seek on an empty file" \
  -- -f -c 'seek -a -r 0' -c 'seek -d 0' -c 'seek -h 0' @FILE@
xcase seek-one-arg tmpfs "argument-count error" \
  -- -f -c 'seek -a' @FILE@
xcase seek-garbage tmpfs "non-numeric offset: the usage line" \
  -- -f -c 'seek -a x' @FILE@

# --- stat, statfs ---------------------------------------------------------------
xcase stat-tmpfs tmpfs "stat on a non-XFS file (stat.ino is machine-dependent)" \
  -- -f -c 'pwrite 0 10000' -c 'stat' @FILE@
xcase stat-read-only tmpfs "stat of a read-only descriptor: fd.flags says read-only" \
  -- -f -c 'close' -c 'open -r @FILE@' -c 'stat' @FILE@
xcase stat-ext4 ext4 "stat on ext4: the same six lines (no fsxattr)" \
  -- -f -c 'pwrite 0 10000' -c 'stat' @FILE@
xcase stat-xfs xfs "stat on XFS adds fsxattr and dioattr lines" \
  -- -f -c 'pwrite 0 10000' -c 'stat' @FILE@
xcase stat-v tmpfs "stat -v adds atime, mtime and ctime as ctime(3) dates; nothing more on a non-XFS file" \
  -- -f -c 'pwrite -q 0 10000' -c 'stat -v' @FILE@
xcase stat-r tmpfs "stat -r: the raw struct stat; mode in octal after a colon, ctime before mtime" \
  -- -f -c 'pwrite -q 0 10000' -c 'stat -r' @FILE@
xcase stat-r-wins tmpfs "-rv prints only the raw listing; one operand is ignored" \
  -- -f -c 'stat -rv' -c 'stat 1' @FILE@
xcase stat-bad-option tmpfs "an unknown stat option: getopt error, then the usage line on stdout, exit 1" \
  -- -f -c 'stat -q' @FILE@
xcase stat-two-options tmpfs "stat -v -r is two arguments: argument-count error" \
  -- -f -c 'stat -v -r' @FILE@
xcase help-unknown tmpfs "help for an unknown command: stdout, exit 0; two names: argument-count error" \
  -- -f -c 'help nosuchcmd' -c 'help stat pwrite' @FILE@
xcase open-no-args tmpfs "open with no path runs stat" \
  -- -f -c 'open' @FILE@
xcase statfs-tmpfs tmpfs "statfs (the numbers are machine-dependent)" \
  -- -f -c 'statfs' @FILE@
xcase statfs-xfs xfs "statfs on XFS adds geom and counts lines" \
  -- -f -c 'statfs' @FILE@
xcase statfs-sections tmpfs "statfs -c and -g print only the path on a non-XFS file; -s the statfs fields; bad option: usage" \
  -- -f -c 'statfs -c' -c 'statfs -g' -c 'statfs -s' -c 'statfs -q' @FILE@

# --- files ----------------------------------------------------------------------
xcase file-list tmpfs "file lists open files; the name is padded to 14; foreign marks non-XFS" \
  -- -f -c 'file' @FILE@
xcase file-list-xfs xfs "on XFS the listing says xfs instead of foreign" \
  -- -f -c 'file' @FILE@
xcase open-file-switch tmpfs "open -f adds a file and makes it current; file N switches and lists" \
  -- -f -c 'open -f @FILE2@' -c 'file' -c 'file 0' -c 'file 1' @FILE@
xcase file-out-of-range tmpfs "file N out of range" \
  -- -f -c 'file 5' @FILE@
xcase close-lists tmpfs "close with files left lists them; the last close leaves none" \
  -- -f -c 'open -f @FILE2@' -c 'close' -c 'close' -c 'file' @FILE@
xcase close-twice tmpfs "close with no file open" \
  -- -f -c 'close' -c 'close' @FILE@
xcase multi-file-c tmpfs "with -c, per-file commands run on every open file in table order" \
  -- -f -c 'open -f @FILE2@' -c 'pwrite 0 3' -c 'stat' @FILE@
xcase open-read-only-flags tmpfs "open -r and the file listing shows read-only" \
  -- -f -c 'close' -c 'open -r @FILE@' -c 'file' @FILE@
xcase open-missing tmpfs "opening a missing file (no -f)" \
  -- -c 'pwrite 0 1' @FILE@
xcase open-cmd-missing tmpfs "the open command on a missing file" \
  -- -f -c 'open @FILE2@' @FILE@
xcase open-create-mode tmpfs "open -c creates like -f; -m gives the mode (0 prefix: octal), shown by stat -r" \
  stdin=$'open -c -m 0640 @FILE2@\nstat -r\nopen -f -m zz @FILE2@' -- -f @FILE@
xcase unknown-command tmpfs "an unknown command: error, exit 0, later commands still run" \
  -- -f -c 'bogus' -c 'pwrite 0 1' @FILE@
xcase exit-sticky tmpfs "once a command sets exit status 1, later successes do not clear it" \
  -- -f -c 'pwrite abc 1' -c 'pwrite 0 1' @FILE@
xcase stdin-commands tmpfs "commands from standard input act on the current file only; no prompt" \
  stdin=$'open -f @FILE2@\npwrite 0 1\nfile\nbogus\npread\npwrite -S zz 0 1' -- -f @FILE@
xcase read-only-open-flag tmpfs "xfs_io -r: reads work, writes fail" \
  -- -f -r -c 'pwrite 0 1' -c 'pread 0 1' @FILE@

# --- filefrag -v ----------------------------------------------------------------
fcase ext4-unwritten-holes ext4 "data, unwritten after a hole, last+eof; expected column" \
  -f -c 'pwrite 0 64k' -c 'falloc 128k 64k' -c 'pwrite 512k 4k' -c 'fsync' @FILE@ \
  -- -v @FILE@
fcase ext4-eof-only ext4 "an extent reaching EOF without kernel flags prints ',eof'" \
  -f -c 'pwrite 0 8k' -c 'falloc -k 64k 64k' -c 'fsync' @FILE@ -- -v @FILE@
fcase ext4-single ext4 "one extent: singular 'extent found' and '(1 block of ...)'" \
  -f -c 'pwrite 0 4k' -c 'fsync' @FILE@ -- -v @FILE@
fcase ext4-partial-block ext4 "a size that is not a block multiple rounds the block count up" \
  -f -c 'pwrite 0 4k' -c 'fsync' -c 'truncate 1000' @FILE@ -- -v @FILE@
fcase ext4-empty ext4 "an empty file: no column header, 0 extents found" \
  -f @FILE@ -- -v @FILE@
fcase ext4-delalloc ext4 "no sync: last,unknown_loc,delalloc,eof with physical 0..0, length 0" \
  -f -c 'pwrite 0 16k' @FILE@ -- -v @FILE@
fcase ext4-wide-logical ext4 "a size of 1e9 blocks widens the logical columns to 9" \
  -f -c 'pwrite 0 4k' -c 'fsync' -c 'truncate 4096000000000' @FILE@ -- -v @FILE@
fcase ext4-huge ext4 "15 TiB offsets overflow the logical and expected widths" \
  -f -c 'pwrite 0 4k' -c 'pwrite 100g 4k' -c 'pwrite 15t 8k' -c 'fsync' @FILE@ -- -v @FILE@
fcase ext4-not-verbose ext4 "without -v only the count line" \
  -f -c 'pwrite 0 4k' -c 'pwrite 1m 4k' -c 'fsync' @FILE@ -- @FILE@
fcase xfs-shared xfs "XFS reflink: shared flags; a contiguous follow-on row is not counted" \
  -f -c 'pwrite -b 1m 0 1m' -c 'pwrite 8m 4k' -c 'fsync' -c 'close' -c 'open -f @FILE@' \
  -c 'reflink @FILE2@' -c 'pwrite 4k 4k' -c 'fsync' @FILE2@ -- -v @FILE@
fcase ext4-leading-hole ext4 "a first extent that does not start at block 0 shows expected = its logical block" \
  -f -c 'pwrite 1m 4k' -c 'pwrite 2m 4k' -c 'fsync' @FILE@ -- -v @FILE@

# --- summary lines under a fixed clock (XfsIo summary formatter) ------------------
mkdir -p "$golden/xfs_io-summary" "$shm_root"
truncate -s 4g "$shm_root/sparse"
printf 'bytes\tops\telapsed_us\tline\n' > "$summary_tsv"
for us in 0 1 99 100 300 12345 999999 1000000 1000001 1290000 9999999 59999999 60000000 \
    61234567 3599999999 3600000000 3723456789 360000000000; do
  summary 4096 4096 "$us"
done
summary eof 4096 0
summary eof 4096 1234567
for bytes in 1 100 1023 1024 1025 1536 2560 3584 10000 65536 1048575 1048576 1572864 5000000; do
  summary "$bytes" 4096 1000000
  summary "$bytes" 4096 1234567
done
summary 100000 1 1000000
summary 2147483647 16777216 1000000
summary 2147483648 16777216 1000000
summary 2147483648 16777216 1
summary 1073741824 16777216 1
summary 1073741824 16777216 3
summary 104857600 16777216 7
summary 3221225472 16777216 1234567
summary 3001 65536 2000000
summary 5121 65536 2000000
summary 2049 65536 4000000
rm -f "$shm_root/sparse"
