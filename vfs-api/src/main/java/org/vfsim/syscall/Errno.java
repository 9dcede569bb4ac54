package org.vfsim.syscall;

/** Linux errno values with their numbers and glibc's {@code strerror} text, as tools print them. */
public enum Errno {
  EPERM(1, "Operation not permitted"),
  ENOENT(2, "No such file or directory"),
  ESRCH(3, "No such process"),
  EINTR(4, "Interrupted system call"),
  EIO(5, "Input/output error"),
  ENXIO(6, "No such device or address"),
  EBADF(9, "Bad file descriptor"),
  EAGAIN(11, "Resource temporarily unavailable"),
  ENOMEM(12, "Cannot allocate memory"),
  EACCES(13, "Permission denied"),
  EFAULT(14, "Bad address"),
  EBUSY(16, "Device or resource busy"),
  EEXIST(17, "File exists"),
  EXDEV(18, "Invalid cross-device link"),
  ENODEV(19, "No such device"),
  ENOTDIR(20, "Not a directory"),
  EISDIR(21, "Is a directory"),
  EINVAL(22, "Invalid argument"),
  EMFILE(24, "Too many open files"),
  EFBIG(27, "File too large"),
  ENOSPC(28, "No space left on device"),
  ESPIPE(29, "Illegal seek"),
  EROFS(30, "Read-only file system"),
  EMLINK(31, "Too many links"),
  ENAMETOOLONG(36, "File name too long"),
  ENOSYS(38, "Function not implemented"),
  ENOTEMPTY(39, "Directory not empty"),
  ENODATA(61, "No data available"),
  EOVERFLOW(75, "Value too large for defined data type"),
  EOPNOTSUPP(95, "Operation not supported"),
  EUCLEAN(117, "Structure needs cleaning"),
  EDQUOT(122, "Disk quota exceeded");

  private final int number;
  private final String message;

  Errno(int number, String message) {
    this.number = number;
    this.message = message;
  }

  /** The positive errno number; the kernel returns its negation. */
  public int number() {
    return number;
  }

  /** The text {@code strerror(3)} gives, which {@code xfs_io} and {@code perror} print. */
  public String message() {
    return message;
  }

  /** Throws this errno; a convenience for {@code throw Errno.ENOSPC.exception("why")}. */
  public ErrnoException exception(String detail) {
    return new ErrnoException(this, detail);
  }

  public ErrnoException exception() {
    return new ErrnoException(this, null);
  }
}
