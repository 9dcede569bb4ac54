package org.vfsim.testkit.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Stat;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Checks a filesystem mounted from a crash state against what the workload was promised before
 * the crash (a {@link DurabilityModel}): every byte and size a returned fsync, fdatasync or sync
 * covered is there; every name a returned directory fsync or sync covered is there (or gone);
 * and no file shows a byte that no write to it put there (zeros aside: a hole, a size extended
 * by truncate or fallocate, or a block whose write was lost reads as zeros on every filesystem).
 */
final class PersistenceOracle {
  private final Syscalls sys;
  private final DurabilityModel model;
  private final List<String> problems = new ArrayList<>();

  private PersistenceOracle(Syscalls sys, DurabilityModel model) {
    this.sys = sys;
    this.model = model;
  }

  /** The violations found, one line each; empty when the state keeps every promise. */
  static List<String> check(Syscalls sys, DurabilityModel model) {
    PersistenceOracle o = new PersistenceOracle(sys, model);
    o.walk("");
    o.checkNames();
    o.checkDurableContents();
    return o.problems;
  }

  private void walk(String dir) {
    List<DirEntry> entries;
    try {
      entries = sys.readdir(WorkloadRun.abs(dir));
    } catch (ErrnoException e) {
      problems.add("readdir " + show(dir) + ": " + e.getMessage());
      return;
    }
    for (DirEntry d : entries) {
      String name = d.name();
      if (name.equals(".") || name.equals("..") || (dir.isEmpty() && name.equals("lost+found"))) {
        continue;
      }
      String path = dir.isEmpty() ? name : dir + "/" + name;
      if (d.type() == FileType.DIRECTORY) {
        if (!model.dirs.contains(path)) {
          problems.add(path + ": a directory nobody made");
        } else {
          walk(path);
        }
      } else {
        checkNoStrangeBytes(path);
      }
    }
  }

  private static String show(String dir) {
    return dir.isEmpty() ? "/" : dir;
  }

  private byte[] read(String path) {
    int fd = sys.open(WorkloadRun.abs(path), Fcntl.O_RDONLY, 0);
    try {
      long size = sys.fstat(fd).size();
      if (size > (64L << 20)) {
        throw Errno.EFBIG.exception("size " + size + " after the crash");
      }
      return sys.preadBytes(fd, (int) size, 0);
    } finally {
      sys.close(fd);
    }
  }

  private void checkNoStrangeBytes(String path) {
    Set<Integer> candidates = model.everAt.get(path);
    if (candidates == null) {
      problems.add(path + ": a file nobody created");
      return;
    }
    byte[] data;
    try {
      data = read(path);
    } catch (ErrnoException e) {
      problems.add(path + ": read failed: " + e.getMessage());
      return;
    }
    long first = -1;
    long count = 0;
    for (int pos = 0; pos < data.length; pos++) {
      if (data[pos] == 0) {
        continue;
      }
      boolean ok = false;
      for (int id : candidates) {
        if (model.files.get(id).wrote(pos, data[pos])) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        count++;
        if (first < 0) {
          first = pos;
        }
      }
    }
    if (count > 0) {
      problems.add(String.format("%s: %d bytes no write to this file put there, the first at"
          + " offset %d (0x%02x)", path, count, first, data[(int) first] & 0xff));
    }
  }

  private void checkNames() {
    for (Map.Entry<String, Integer> e : model.durableNames.entrySet()) {
      String path = e.getKey();
      boolean exists;
      try {
        Stat st = sys.stat(WorkloadRun.abs(path));
        exists = st.type() == FileType.REGULAR;
      } catch (ErrnoException ex) {
        if (ex.errno() != Errno.ENOENT) {
          problems.add(path + ": stat failed: " + ex.getMessage());
          continue;
        }
        exists = false;
      }
      if (e.getValue() == DurabilityModel.ABSENT && exists) {
        problems.add(path + ": present, but its removal (unlink or rename) was made durable");
      } else if (e.getValue() != DurabilityModel.ABSENT && !exists) {
        problems.add(path + ": missing, but its name was made durable (fsync of the directory"
            + " or sync)");
      }
    }
  }

  private void checkDurableContents() {
    for (DurabilityModel.FileModel f : model.files) {
      if (f.durableSize < 0 && f.known.isEmpty()) {
        continue;
      }
      for (Map.Entry<String, Set<Integer>> e : model.everAt.entrySet()) {
        String path = e.getKey();
        Integer named = model.durableNames.get(path);
        boolean only = e.getValue().size() == 1 && e.getValue().contains(f.id);
        if (!(named != null && named == f.id) && !only) {
          continue;
        }
        byte[] data;
        try {
          data = read(path);
        } catch (ErrnoException ex) {
          if (named != null && named == f.id) {
            problems.add(path + ": read failed: " + ex.getMessage());
          }
          continue; // an undurable name may be gone; checkNames covers durable ones
        }
        if (f.durableSize >= 0 && data.length != f.durableSize) {
          problems.add(String.format("%s: size %d, but a returned fsync or sync made it %d",
              path, data.length, f.durableSize));
        }
        int bad = 0;
        int first = -1;
        for (int pos = f.known.nextSetBit(0); pos >= 0; pos = f.known.nextSetBit(pos + 1)) {
          if (pos >= f.durable.length) {
            break;
          }
          byte got = pos < data.length ? data[pos] : 0;
          boolean lost = pos >= data.length;
          if (lost || got != f.durable[pos]) {
            bad++;
            first = first < 0 ? pos : first;
          }
        }
        if (bad > 0) {
          problems.add(String.format("%s: %d bytes a returned fsync or sync made durable are"
              + " lost or changed, the first at offset %d", path, bad, first));
        }
      }
    }
  }
}
