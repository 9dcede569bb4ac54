package org.vfsim.fs;

/** The file types the simulation supports ({@code S_IFREG}, {@code S_IFDIR}). */
public enum FileType {
  REGULAR(0100000),
  DIRECTORY(0040000);

  private final int modeBits;

  FileType(int modeBits) {
    this.modeBits = modeBits;
  }

  /** The {@code S_IFMT} bits of {@code st_mode}. */
  public int modeBits() {
    return modeBits;
  }
}
