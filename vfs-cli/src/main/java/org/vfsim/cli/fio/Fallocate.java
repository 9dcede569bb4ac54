package org.vfsim.cli.fio;

/**
 * fio's {@code fallocate=}: how files are preallocated when laid out. The default, {@link
 * #NATIVE}, preallocates whole files before writing, which hides the write-time allocator; {@link
 * #NONE} does not.
 */
public enum Fallocate {
  /** No preallocation; {@code 0} is an alias. */
  NONE("none"),
  /** fallocate(2) with mode 0, falling back to none where unsupported; fio's default. */
  NATIVE("native"),
  /** posix_fallocate(3); {@code 1} is an alias. */
  POSIX("posix"),
  /** fallocate(2) with FALLOC_FL_KEEP_SIZE. */
  KEEP("keep"),
  /** ftruncate(2) to the final size instead of allocating. */
  TRUNCATE("truncate");

  private final String fioName;

  Fallocate(String fioName) {
    this.fioName = fioName;
  }

  /** Returns the value as a job file spells it. */
  public String fioName() {
    return fioName;
  }
}
