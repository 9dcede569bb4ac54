package org.vfsim.cli.fio;

/** fio's {@code file_service_type=}: how a job with several files picks the next one. */
public enum FileServiceType {
  /** Round robin over the open files; fio's default. */
  ROUNDROBIN("roundrobin"),
  /** Finish one file before moving on to the next. */
  SEQUENTIAL("sequential"),
  /** Choose a file at random (uniformly). */
  RANDOM("random");

  private final String fioName;

  FileServiceType(String fioName) {
    this.fioName = fioName;
  }

  /** Returns the value as a job file spells it. */
  public String fioName() {
    return fioName;
  }
}
