package org.vfsim.syscall;

/**
 * The flag and whence values of the system calls, in one place, with Linux's x86-64 numbers:
 * {@code open}'s O_* ({@code <fcntl.h>}), {@code mmap}'s PROT_* and MAP_*, {@code madvise}'s
 * MADV_* and {@code msync}'s MS_* ({@code <sys/mman.h>}), and {@code lseek}'s SEEK_*.
 */
public final class Fcntl {
  private Fcntl() {}

  // open(2)
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_RDWR = 02;
  public static final int O_ACCMODE = 03;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_DSYNC = 010000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_SYNC = 04010000;

  // mmap(2), mprotect(2)
  public static final int PROT_NONE = 0;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int PROT_EXEC = 4;
  public static final int MAP_SHARED = 0x01;
  public static final int MAP_PRIVATE = 0x02;
  public static final int MAP_FIXED = 0x10;
  public static final int MAP_ANONYMOUS = 0x20;

  // madvise(2), msync(2)
  public static final int MADV_DONTNEED = 4;
  public static final int MS_ASYNC = 1;
  public static final int MS_INVALIDATE = 2;
  public static final int MS_SYNC = 4;

  // lseek(2)
  public static final int SEEK_SET = 0;
  public static final int SEEK_CUR = 1;
  public static final int SEEK_END = 2;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;
}
