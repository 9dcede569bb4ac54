package org.vfsim.cli;

import java.io.PrintStream;

/** A one-line progress bar on standard error, drawn only when it is a terminal. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final boolean enabled;
  private final String title;
  private boolean drawn;

  ProgressBar(PrintStream err, boolean enabled, String title) {
    this.err = err;
    this.enabled = enabled;
    this.title = title;
  }

  /** Shows {@code done} of {@code total} with a note on what is running. */
  synchronized void update(long done, long total, String note) {
    if (!enabled || total <= 0) {
      return;
    }
    int filled = (int) Math.min(WIDTH, WIDTH * done / total);
    err.print("\r" + title + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
        + done + "/" + total + " " + note + "\u001b[K");
    err.flush();
    drawn = true;
  }

  synchronized void finish() {
    if (drawn) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }
}
