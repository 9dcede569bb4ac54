package org.vfsim.lockdep;

/**
 * Thrown at the acquisition that lockdep reports, before the task would block, so that a
 * simulated deadlock becomes a test failure with both chains instead of a hung test.
 */
public final class LockdepViolation extends RuntimeException {
  private final LockdepReport report;

  LockdepViolation(LockdepReport report) {
    super(report.render(), null, false, false);
    this.report = report;
  }

  public LockdepReport report() {
    return report;
  }
}
