package org.vfsim.fuse;

/**
 * Byte offsets in the C structures libfuse 3 (3.1 and later, x86-64 and aarch64 LP64 ABI)
 * exchanges with the filesystem. libfuse only appends fields across 3.x releases, so these hold
 * for every 3.x the binding accepts.
 */
final class Layouts {
  private Layouts() {}

  // struct fuse_operations: 42 function pointers of 8 bytes, in header order. The indexes of
  // the ones vfsim fills are below; a NULL slot makes libfuse answer ENOSYS.
  static final int OP_GETATTR = 0;
  static final int OP_READLINK = 1;
  static final int OP_MKNOD = 2;
  static final int OP_MKDIR = 3;
  static final int OP_UNLINK = 4;
  static final int OP_RMDIR = 5;
  static final int OP_SYMLINK = 6;
  static final int OP_RENAME = 7;
  static final int OP_LINK = 8;
  static final int OP_CHMOD = 9;
  static final int OP_CHOWN = 10;
  static final int OP_TRUNCATE = 11;
  static final int OP_OPEN = 12;
  static final int OP_READ = 13;
  static final int OP_WRITE = 14;
  static final int OP_STATFS = 15;
  static final int OP_FLUSH = 16;
  static final int OP_RELEASE = 17;
  static final int OP_FSYNC = 18;
  static final int OP_OPENDIR = 23;
  static final int OP_READDIR = 24;
  static final int OP_RELEASEDIR = 25;
  static final int OP_FSYNCDIR = 26;
  static final int OP_INIT = 27;
  static final int OP_ACCESS = 29;
  static final int OP_CREATE = 30;
  static final int OP_UTIMENS = 32;
  static final int OP_FALLOCATE = 39;
  static final int OP_COPY_FILE_RANGE = 40;
  static final int OP_LSEEK = 41;
  static final int OPERATIONS_COUNT = 42;

  // struct stat (x86-64 glibc; 144 bytes): st_dev u64 @0, st_ino u64 @8, st_nlink u64 @16,
  // st_mode u32 @24, st_uid u32 @28, st_gid u32 @32, pad @36, st_rdev u64 @40, st_size i64 @48,
  // st_blksize i64 @56, st_blocks i64 @64 (512-byte units), st_atim @72, st_mtim @88,
  // st_ctim @104 (each: tv_sec i64, tv_nsec i64), reserved @120.
  static final long STAT_SIZE = 144;
  static final long ST_INO = 8;
  static final long ST_NLINK = 16;
  static final long ST_MODE = 24;
  static final long ST_UID = 28;
  static final long ST_GID = 32;
  static final long ST_SIZE = 48;
  static final long ST_BLKSIZE = 56;
  static final long ST_BLOCKS = 64;
  static final long ST_ATIM = 72;
  static final long ST_MTIM = 88;
  static final long ST_CTIM = 104;

  // struct statvfs (112 bytes): f_bsize u64 @0, f_frsize u64 @8, f_blocks @16, f_bfree @24,
  // f_bavail @32, f_files @40, f_ffree @48, f_favail @56, f_fsid @64, f_flag @72,
  // f_namemax @80, spare.
  static final long STATVFS_SIZE = 112;
  static final long F_BSIZE = 0;
  static final long F_FRSIZE = 8;
  static final long F_BLOCKS = 16;
  static final long F_BFREE = 24;
  static final long F_BAVAIL = 32;
  static final long F_FILES = 40;
  static final long F_FFREE = 48;
  static final long F_FAVAIL = 56;
  static final long F_NAMEMAX = 80;

  // struct fuse_file_info (40 bytes): flags i32 @0 (open(2) flags), bit fields u32 @4
  // (bit 0 writepage, 1 direct_io, 2 keep_cache, 3 flush, 4 nonseekable, 5 flock_release,
  // 6 cache_readdir, 7 noflush), padding u32 @8, fh u64 @16 (ours: the handle number),
  // lock_owner u64 @24, poll_events u32 @32.
  static final long FI_SIZE = 40;
  static final long FI_FLAGS = 0;
  static final long FI_BITS = 4;
  static final int FI_DIRECT_IO = 1 << 1;
  static final long FI_FH = 16;

  // struct fuse_config (128 bytes): set_gid @0, gid @4, set_uid @8, uid @12, set_mode @16,
  // umask @20, entry_timeout f64 @24, negative_timeout f64 @32, attr_timeout f64 @40, intr @48,
  // intr_signal @52, remember @56, hard_remove @60, use_ino @64, readdir_ino @68,
  // direct_io @72, kernel_cache @76, auto_cache @80, no_rofd_flush @84,
  // ac_attr_timeout_set @88, ac_attr_timeout f64 @96, nullpath_ok @104, show_help @108,
  // modules ptr @112, debug @120.
  static final long CONFIG_SIZE = 128;
  static final long CFG_ENTRY_TIMEOUT = 24;
  static final long CFG_NEGATIVE_TIMEOUT = 32;
  static final long CFG_ATTR_TIMEOUT = 40;
  static final long CFG_HARD_REMOVE = 60;
  static final long CFG_USE_INO = 64;
  static final long CFG_NULLPATH_OK = 104;

  // struct fuse_context (40 bytes): fuse ptr @0, uid u32 @8, gid u32 @12, pid i32 @16,
  // private_data ptr @24, umask u32 @32.
  static final long CONTEXT_SIZE = 40;
  static final long CTX_UID = 8;
  static final long CTX_GID = 12;
  static final long CTX_PID = 16;

  // struct fuse_args (16 bytes): argc i32 @0, argv ptr @8 ... allocated i32 @16 (24 bytes).
  static final long ARGS_SIZE = 24;
  static final long ARGS_ARGC = 0;
  static final long ARGS_ARGV = 8;

  // struct timespec (16 bytes): tv_sec i64 @0, tv_nsec i64 @8. utimensat's special tv_nsec
  // values: UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2.
  static final long UTIME_NOW = (1L << 30) - 1;
  static final long UTIME_OMIT = (1L << 30) - 2;
}
