package org.vfsim.testkit.crash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a workload has promised so far, replayed operation by operation: each file's contents and
 * size now; what a returned fsync, fdatasync or sync made durable (bytes, size) and what later
 * operations have since made uncertain; which names a returned directory fsync or sync made
 * durable (present, or absent after an unlink or rename); and every write each file ever saw,
 * the only source of bytes a file may show after a crash besides zeros.
 *
 * <p>The rules are POSIX's, as the kernel's filesystems keep them: fsync and fdatasync make a
 * file's data and size durable, not its name; fsync of a directory makes its entries durable;
 * sync makes everything durable.
 */
final class DurabilityModel {
  static final int ABSENT = -1;

  /** One file (inode), whatever names it has had. */
  static final class FileModel {
    final int id;
    byte[] content = new byte[0];
    /** The size a returned fsync made durable and nothing has changed since, or -1. */
    long durableSize = -1;
    byte[] durable = new byte[0];
    /** Offsets whose durable byte is {@link #durable}'s. */
    final BitSet known = new BitSet();
    final List<CrashOp> writes = new ArrayList<>();

    FileModel(int id) {
      this.id = id;
    }

    FileModel copy() {
      FileModel f = new FileModel(id);
      f.content = content.clone();
      f.durableSize = durableSize;
      f.durable = durable.clone();
      f.known.or(known);
      f.writes.addAll(writes);
      return f;
    }

    long size() {
      return content.length;
    }

    void resize(long n) {
      content = Arrays.copyOf(content, Math.toIntExact(n));
    }

    void persist() {
      durableSize = content.length;
      durable = content.clone();
      known.clear();
      known.set(0, content.length);
    }

    /** Whether some write to this file put {@code b} at {@code pos}. */
    boolean wrote(long pos, byte b) {
      for (CrashOp w : writes) {
        if (pos >= w.off() && pos < w.off() + w.len() && CrashOp.pattern(w.tag(), pos) == b) {
          return true;
        }
      }
      return false;
    }
  }

  final List<FileModel> files = new ArrayList<>();
  /** Current name of each linked file. */
  final Map<String, Integer> names = new TreeMap<>();
  final Set<String> dirs = new TreeSet<>(Set.of(""));
  /** Names whose state is durable: a file id, or {@link #ABSENT}. */
  final Map<String, Integer> durableNames = new TreeMap<>();
  /** Every file a name has ever referred to. */
  final Map<String, Set<Integer>> everAt = new TreeMap<>();

  DurabilityModel copy() {
    DurabilityModel m = new DurabilityModel();
    files.forEach(f -> m.files.add(f.copy()));
    m.names.putAll(names);
    m.dirs.addAll(dirs);
    m.durableNames.putAll(durableNames);
    everAt.forEach((k, v) -> m.everAt.put(k, new HashSet<>(v)));
    return m;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  FileModel file(String path) {
    Integer id = names.get(path);
    return id == null ? null : files.get(id);
  }

  /**
   * Applies {@code op}'s effect; with {@code promise}, also what its return promised (it
   * returned before the crash); with {@code failed}, the operation returned an error, and what
   * it touched is only uncertain.
   */
  void apply(CrashOp op, boolean promise, boolean failed) {
    FileModel f = file(op.path());
    if (failed) {
      if (f != null) {
        f.durableSize = -1;
        f.known.clear();
        if (op.kind() == CrashOp.Kind.WRITE || op.kind() == CrashOp.Kind.MMAP_WRITE) {
          f.writes.add(op);
        }
      }
      durableNames.remove(op.path());
      if (op.path2() != null) {
        durableNames.remove(op.path2());
      }
      return;
    }
    switch (op.kind()) {
      case MKDIR -> dirs.add(op.path());
      case CREATE -> {
        if (f == null) {
          FileModel n = new FileModel(files.size());
          files.add(n);
          names.put(op.path(), n.id);
          everAt.computeIfAbsent(op.path(), k -> new HashSet<>()).add(n.id);
          durableNames.remove(op.path());
        }
      }
      case WRITE, MMAP_WRITE -> {
        long end = op.off() + op.len();
        if (end > f.size()) {
          f.durableSize = -1;
          f.resize(end);
        }
        System.arraycopy(op.data(), 0, f.content, (int) op.off(), (int) op.len());
        f.known.clear((int) op.off(), (int) end);
        f.writes.add(op);
      }
      case TRUNCATE -> {
        if (op.off() != f.size()) {
          f.durableSize = -1;
        }
        f.known.clear((int) Math.min(op.off(), Integer.MAX_VALUE), Integer.MAX_VALUE);
        f.resize(op.off());
      }
      case FALLOCATE -> {
        if (op.off() + op.len() > f.size()) {
          f.durableSize = -1;
          f.resize(op.off() + op.len());
        }
      }
      case FALLOCATE_KEEP_SIZE -> { }
      case PUNCH -> {
        long end = Math.min(op.off() + op.len(), f.size());
        if (op.off() < end) {
          Arrays.fill(f.content, (int) op.off(), (int) end, (byte) 0);
        }
        f.known.clear((int) op.off(), (int) (op.off() + op.len()));
      }
      case RENAME -> {
        Integer id = names.remove(op.path());
        names.put(op.path2(), id);
        everAt.computeIfAbsent(op.path2(), k -> new HashSet<>()).add(id);
        durableNames.remove(op.path());
        durableNames.remove(op.path2());
      }
      case UNLINK -> {
        names.remove(op.path());
        durableNames.remove(op.path());
      }
      case FSYNC, FDATASYNC -> {
        if (promise) {
          f.persist();
        }
      }
      case FSYNC_DIR -> {
        if (promise) {
          for (String p : everAt.keySet()) {
            if (parent(p).equals(op.path())) {
              durableNames.put(p, names.getOrDefault(p, ABSENT));
            }
          }
        }
      }
      case SYNC -> {
        if (promise) {
          for (Integer id : names.values()) {
            files.get(id).persist();
          }
          for (String p : everAt.keySet()) {
            durableNames.put(p, names.getOrDefault(p, ABSENT));
          }
        }
      }
    }
  }
}
