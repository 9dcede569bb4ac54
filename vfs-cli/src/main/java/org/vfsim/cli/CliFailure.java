package org.vfsim.cli;

import org.vfsim.syscall.ErrnoException;

/**
 * A failure the command reports as {@code vfsim: <message>} and a nonzero exit, never as a stack
 * trace: bad input, a damaged image, an errno from the simulated kernel.
 */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(String message) {
    this(message, 1);
  }

  CliFailure(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** Bad input on the command line: exit status 2, as getopt-style tools use. */
  static CliFailure usage(String message) {
    return new CliFailure(message, 2);
  }

  int exitCode() {
    return exitCode;
  }

  /** The one-line text for {@code t}: errno text for kernel errors, the message otherwise. */
  static String describe(Throwable t) {
    if (t instanceof ErrnoException e) {
      String m = e.getMessage();
      // "ENOSPC: No space left on device (detail)" -> "No space left on device (detail)"
      String prefix = e.errno().name() + ": ";
      return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
    if (t instanceof CliFailure f) {
      return f.getMessage();
    }
    if (t instanceof java.nio.file.FileSystemException e) {
      // Its message is only the path; say what went wrong with it, as perror would.
      String why = e.getReason() != null ? e.getReason() : switch (e) {
        case java.nio.file.NoSuchFileException n -> "No such file or directory";
        case java.nio.file.AccessDeniedException a -> "Permission denied";
        case java.nio.file.FileAlreadyExistsException x -> "File exists";
        case java.nio.file.NotDirectoryException d -> "Not a directory";
        default -> e.getClass().getSimpleName();
      };
      return e.getFile() + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": " + why;
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
