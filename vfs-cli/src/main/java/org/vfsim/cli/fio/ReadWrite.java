package org.vfsim.cli.fio;

/** fio's {@code rw=} I/O pattern, without the trim patterns that a file system cannot take. */
public enum ReadWrite {
  READ("read", true, false, false),
  WRITE("write", false, true, false),
  RANDREAD("randread", true, false, true),
  RANDWRITE("randwrite", false, true, true),
  /** Sequential mixed reads and writes; fio spells it {@code rw} or {@code readwrite}. */
  READWRITE("rw", true, true, false),
  RANDRW("randrw", true, true, true);

  private final String fioName;
  private final boolean reads;
  private final boolean writes;
  private final boolean random;

  ReadWrite(String fioName, boolean reads, boolean writes, boolean random) {
    this.fioName = fioName;
    this.reads = reads;
    this.writes = writes;
    this.random = random;
  }

  /** Returns the value as a job file spells it. */
  public String fioName() {
    return fioName;
  }

  /** Returns whether the pattern issues reads. */
  public boolean reads() {
    return reads;
  }

  /** Returns whether the pattern issues writes. */
  public boolean writes() {
    return writes;
  }

  /** Returns whether offsets are random rather than sequential. */
  public boolean random() {
    return random;
  }
}
