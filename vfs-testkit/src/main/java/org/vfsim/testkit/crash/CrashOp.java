package org.vfsim.testkit.crash;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One step of a crash workload, in a one-line text form ({@code write A/foo 4096 1000 #7}) that
 * replay files and violation reports use. Paths are relative to the mount point; {@code tag}
 * makes the bytes a write puts down unique to that write, so that bytes seen after a crash can
 * be traced to the write that made them (or to none).
 */
public record CrashOp(Kind kind, String path, @Nullable String path2, long off, long len,
    int tag) {

  /** The operations of the ACE generator and the fsx mix, and the persistence points. */
  public enum Kind {
    MKDIR, CREATE, WRITE, MMAP_WRITE, TRUNCATE, FALLOCATE, FALLOCATE_KEEP_SIZE, PUNCH, RENAME,
    UNLINK, FSYNC, FDATASYNC, FSYNC_DIR, SYNC;

    String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the operation promises durability when it returns. */
    public boolean persists() {
      return this == FSYNC || this == FDATASYNC || this == FSYNC_DIR || this == SYNC;
    }
  }

  public CrashOp {
    checkArgument(off >= 0 && len >= 0, "negative offset or length");
  }

  static CrashOp of(Kind kind, String path) {
    return new CrashOp(kind, path, null, 0, 0, 0);
  }

  static CrashOp range(Kind kind, String path, long off, long len, int tag) {
    return new CrashOp(kind, path, null, off, len, tag);
  }

  static CrashOp rename(String from, String to) {
    return new CrashOp(Kind.RENAME, from, to, 0, 0, 0);
  }

  /**
   * The byte a write tagged {@code tag} puts at file offset {@code pos}: never zero, and
   * different for different writes at the same offset, as fsx's patterns are.
   */
  public static byte pattern(int tag, long pos) {
    int v = (int) ((tag * 0x9E3779B1L + (pos >>> 1) * 31 + (pos & 1) * 7) % 255);
    return (byte) (1 + Math.floorMod(v, 255));
  }

  /** The bytes of this write. */
  byte[] data() {
    byte[] b = new byte[Math.toIntExact(len)];
    for (int i = 0; i < b.length; i++) {
      b[i] = pattern(tag, off + i);
    }
    return b;
  }

  @Override
  public String toString() {
    String w = kind.word();
    return switch (kind) {
      case MKDIR, CREATE, UNLINK, FSYNC, FDATASYNC -> w + " " + path;
      case FSYNC_DIR -> w + " " + (path.isEmpty() ? "." : path);
      case SYNC -> w;
      case RENAME -> w + " " + path + " " + path2;
      case TRUNCATE -> w + " " + path + " " + off;
      case WRITE, MMAP_WRITE -> w + " " + path + " " + off + " " + len + " #" + tag;
      case FALLOCATE, FALLOCATE_KEEP_SIZE, PUNCH -> w + " " + path + " " + off + " " + len;
    };
  }

  /** Parses {@link #toString}'s form; throws IllegalArgumentException with a one-line reason. */
  public static CrashOp parse(String line) {
    String[] f = line.trim().split("\\s+");
    Kind kind = null;
    for (Kind k : Kind.values()) {
      if (k.word().equals(f[0])) {
        kind = k;
      }
    }
    checkArgument(kind != null, "unknown operation '%s'", f[0]);
    try {
      return switch (kind) {
        case SYNC -> new CrashOp(kind, "", null, 0, 0, 0);
        case FSYNC_DIR -> of(kind, f[1].equals(".") ? "" : f[1]);
        case MKDIR, CREATE, UNLINK, FSYNC, FDATASYNC -> of(kind, f[1]);
        case RENAME -> rename(f[1], f[2]);
        case TRUNCATE -> new CrashOp(kind, f[1], null, Long.parseLong(f[2]), 0, 0);
        case WRITE, MMAP_WRITE -> {
          checkArgument(f[4].startsWith("#"), "write without #tag");
          yield range(kind, f[1], Long.parseLong(f[2]), Long.parseLong(f[3]),
              Integer.parseInt(f[4].substring(1)));
        }
        case FALLOCATE, FALLOCATE_KEEP_SIZE, PUNCH ->
            range(kind, f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), 0);
      };
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      throw new IllegalArgumentException("malformed operation '" + line.trim() + "'");
    }
  }
}
