package org.vfsim.cli.fio;

/**
 * A job file that vfsim cannot run: an unknown or unsupported option, a malformed value, or an
 * option outside a section. The message names the option and the line, e.g. {@code fio: unknown
 * option 'xyz' at line 7}.
 */
public final class FioJobFileException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int lineNumber;
  private final String option;

  FioJobFileException(int lineNumber, String option, String message) {
    super(message);
    this.lineNumber = lineNumber;
    this.option = option;
  }

  /** Returns the 1-based line of the job file that is wrong. */
  public int lineNumber() {
    return lineNumber;
  }

  /** Returns the option's key as written, or the empty string where the line has none. */
  public String option() {
    return option;
  }
}
