package org.vfsim.mm;

import org.jspecify.annotations.Nullable;
import org.vfsim.fs.OpenFile;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Fcntl;

/**
 * A virtual memory area ({@code vm_area_struct}): a page-aligned range of a process's address
 * space with one protection, either anonymous or a mapping of a file from page {@code pgoff}.
 * Immutable; {@code munmap} and {@code mprotect} replace VMAs by split copies.
 */
public final class Vma {
  private final Mm mm;
  private final long start;
  private final long end;
  private final int prot;
  private final boolean shared;
  private final @Nullable OpenFile file;
  private final long pgoff;

  Vma(Mm mm, long start, long end, int prot, boolean shared, @Nullable OpenFile file, long pgoff) {
    this.mm = mm;
    this.start = start;
    this.end = end;
    this.prot = prot;
    this.shared = shared;
    this.file = file;
    this.pgoff = pgoff;
  }

  public Mm mm() {
    return mm;
  }

  public long start() {
    return start;
  }

  /** First address past the area. */
  public long end() {
    return end;
  }

  public int prot() {
    return prot;
  }

  public boolean readable() {
    return (prot & Fcntl.PROT_READ) != 0;
  }

  public boolean writable() {
    return (prot & Fcntl.PROT_WRITE) != 0;
  }

  public boolean shared() {
    return shared;
  }

  public @Nullable OpenFile file() {
    return file;
  }

  public boolean anonymous() {
    return file == null;
  }

  /** File page mapped at {@code start}. */
  public long pgoff() {
    return pgoff;
  }

  /** The file page index that {@code addr} maps. */
  public long filePageOf(long addr) {
    return pgoff + ((addr - start) >>> Folio.SHIFT);
  }

  /** The address at which file page {@code index} is mapped, or -1 if it is outside this VMA. */
  public long addressOfFilePage(long index) {
    if (file == null || index < pgoff) {
      return -1;
    }
    long addr = start + ((index - pgoff) << Folio.SHIFT);
    return addr >= start && addr < end ? addr : -1;
  }

  Vma slice(long from, long to) {
    return new Vma(mm, from, to, prot, shared, file, file == null ? 0 : filePageOf(from));
  }

  Vma withProt(int newProt) {
    return new Vma(mm, start, end, newProt, shared, file, pgoff);
  }

  @Override
  public String toString() {
    return String.format("%x-%x %s%s%s%s %s", start, end, readable() ? "r" : "-",
        writable() ? "w" : "-", (prot & Fcntl.PROT_EXEC) != 0 ? "x" : "-", shared ? "s" : "p",
        file == null ? "[anon]" : "ino " + file.inode().ino() + " @" + (pgoff << Folio.SHIFT));
  }
}
