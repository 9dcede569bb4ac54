package org.vfsim.syscall;

import static com.google.common.base.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;

/**
 * The one exception type of the simulated kernel: a system call that the kernel would fail with
 * {@code -errno} throws this. It is unchecked because, as in the kernel, errors travel through
 * every layer and are dealt with where a partial result can be returned instead.
 */
public final class ErrnoException extends RuntimeException {
  private final Errno errno;

  public ErrnoException(Errno errno, @Nullable String detail) {
    super(detail == null ? errno.name() + ": " + errno.message()
        : errno.name() + ": " + errno.message() + " (" + detail + ")", null, false, false);
    this.errno = checkNotNull(errno);
  }

  public Errno errno() {
    return errno;
  }
}
