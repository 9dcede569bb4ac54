package org.vfsim.testkit.crash;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.testkit.crash.CrashOp.Kind;

/**
 * Bounded workloads for crash checking. {@code seq1} and {@code seq2} are in the spirit of
 * ACE (the CrashMonkey workload generator): every sequence of one (two) core operations, each
 * followed by a persistence point, over a small synced starting tree ({@code foo},
 * {@code A/bar}, {@code A/baz}). The core operations are write (append), pwrite over existing
 * data, mmap store plus msync, truncate down and up, fallocate (with and without keeping the
 * size), punch, create, rename (to a new name, and over an existing file) and unlink; the
 * persistence points are fsync and fdatasync of the file, fsync of the directories an operation
 * changed, and sync. ({@code link} is not among them: the simulated VFS has no hard links.)
 * {@code fsx} is fsx's operation mix on two files, with random persistence points.
 */
public final class Workloads {
  private Workloads() {}

  /** The names {@link #named} accepts. */
  public static final List<String> NAMES = List.of("seq1", "seq2", "fsx");

  /** The synced tree every ACE workload starts from. */
  static List<CrashOp> aceSetup() {
    return List.of(CrashOp.of(Kind.MKDIR, "A"), CrashOp.of(Kind.CREATE, "foo"),
        CrashOp.range(Kind.WRITE, "foo", 0, 16384, 1), CrashOp.of(Kind.CREATE, "A/bar"),
        CrashOp.range(Kind.WRITE, "A/bar", 0, 8192, 2), CrashOp.of(Kind.CREATE, "A/baz"));
  }

  /**
   * A source of workloads: {@code seq1} (all of them), {@code seq2} (all pairs, in an order
   * shuffled by {@code seed}), or {@code fsx} (endless, from {@code seed}).
   */
  public static Iterable<Workload> named(String name, FileSystemType type, long seed) {
    Set<Capability> caps = type.capabilities();
    return switch (name) {
      case "seq1" -> seq1(caps);
      case "seq2" -> seq2(caps, seed);
      case "fsx" -> () -> new java.util.Iterator<>() {
        private int k;

        @Override
        public boolean hasNext() {
          return true;
        }

        @Override
        public Workload next() {
          return fsx(caps, seed, k++, 40);
        }
      };
      default -> throw new IllegalArgumentException("unknown workload '" + name
          + "' (seq1, seq2 or fsx)");
    };
  }

  /** One core operation plus its persistence points, as the model stands. */
  private record Step(String label, List<CrashOp> ops) {}

  private static List<Step> steps(DurabilityModel m, Set<Capability> caps, int tag) {
    List<Step> out = new ArrayList<>();
    for (String f : List.of("foo", "A/bar")) {
      DurabilityModel.FileModel fm = m.file(f);
      if (fm == null) {
        continue;
      }
      long size = fm.size();
      List<CrashOp> data = new ArrayList<>();
      data.add(CrashOp.range(Kind.WRITE, f, size, 5000, tag));
      if (size > 4000) {
        data.add(CrashOp.range(Kind.WRITE, f, 1000, 3000, tag));
      }
      if (size >= 6144) {
        data.add(CrashOp.range(Kind.MMAP_WRITE, f, 4096, 2048, tag));
      }
      data.add(new CrashOp(Kind.TRUNCATE, f, null, size / 2 + 100, 0, 0));
      data.add(new CrashOp(Kind.TRUNCATE, f, null, size + 9000, 0, 0));
      if (caps.contains(Capability.FALLOCATE)) {
        data.add(CrashOp.range(Kind.FALLOCATE, f, size, 8192, 0));
        data.add(CrashOp.range(Kind.FALLOCATE_KEEP_SIZE, f, size, 8192, 0));
      }
      if (caps.contains(Capability.PUNCH_HOLE) && size > 8192) {
        data.add(CrashOp.range(Kind.PUNCH, f, 4096, 4096, 0));
      }
      for (CrashOp op : data) {
        for (Kind p : List.of(Kind.FSYNC, Kind.FDATASYNC, Kind.SYNC)) {
          out.add(new Step(op + " + " + p.word(), List.of(op, CrashOp.of(p, f))));
        }
      }
    }
    List<CrashOp> meta = new ArrayList<>();
    for (String n : List.of("A/new", "new")) {
      if (m.file(n) == null) {
        meta.add(CrashOp.of(Kind.CREATE, n));
      }
    }
    if (m.file("foo") != null) {
      meta.add(CrashOp.rename("foo", "A/foo2"));
      meta.add(CrashOp.of(Kind.UNLINK, "foo"));
    }
    if (m.file("A/bar") != null) {
      meta.add(CrashOp.rename("A/bar", "A/baz"));
      meta.add(CrashOp.of(Kind.UNLINK, "A/bar"));
    }
    for (CrashOp op : meta) {
      List<String> dirs = new ArrayList<>(List.of(DurabilityModel.parent(op.path())));
      if (op.path2() != null && !dirs.contains(DurabilityModel.parent(op.path2()))) {
        dirs.add(DurabilityModel.parent(op.path2()));
      }
      List<CrashOp> dirSync = new ArrayList<>(List.of(op));
      dirs.forEach(d -> dirSync.add(CrashOp.of(Kind.FSYNC_DIR, d)));
      out.add(new Step(op + " + fsync-dir", dirSync));
      if (op.kind() == Kind.CREATE) {
        out.add(new Step(op + " + fsync", List.of(op, CrashOp.of(Kind.FSYNC, op.path()))));
      }
      out.add(new Step(op + " + sync", List.of(op, CrashOp.of(Kind.SYNC, ""))));
    }
    return out;
  }

  private static DurabilityModel setupModel() {
    DurabilityModel m = new DurabilityModel();
    aceSetup().forEach(op -> m.apply(op, true, false));
    return m;
  }

  /** Every one-operation workload. */
  public static List<Workload> seq1(Set<Capability> caps) {
    List<Workload> out = new ArrayList<>();
    int k = 0;
    for (Step s : steps(setupModel(), caps, 10)) {
      out.add(new Workload("seq1-" + k++, aceSetup(), s.ops()));
    }
    return out;
  }

  /** Every two-operation workload, in an order shuffled by {@code seed}. */
  public static List<Workload> seq2(Set<Capability> caps, long seed) {
    List<Workload> out = new ArrayList<>();
    List<Step> first = steps(setupModel(), caps, 10);
    for (int i = 0; i < first.size(); i++) {
      DurabilityModel m = setupModel();
      first.get(i).ops().forEach(op -> m.apply(op, true, false));
      List<Step> second = steps(m, caps, 11);
      for (int j = 0; j < second.size(); j++) {
        List<CrashOp> ops = new ArrayList<>(first.get(i).ops());
        ops.addAll(second.get(j).ops());
        out.add(new Workload("seq2-" + i + "." + j, aceSetup(), ops));
      }
    }
    Collections.shuffle(out, new Random(seed));
    return out;
  }

  /** The {@code k}-th fsx-mix workload of {@code seed}: {@code n} operations on two files. */
  public static Workload fsx(Set<Capability> caps, long seed, int k, int n) {
    checkArgument(n > 0, "at least one operation");
    Random rnd = new Random(seed * 1_000_003L + k);
    List<CrashOp> setup = List.of(CrashOp.of(Kind.CREATE, "fsx_file"),
        CrashOp.of(Kind.CREATE, "fsx_other"), CrashOp.range(Kind.WRITE, "fsx_other", 0, 65536, 1));
    DurabilityModel m = new DurabilityModel();
    setup.forEach(op -> m.apply(op, true, false));
    List<CrashOp> ops = new ArrayList<>();
    final long maxLen = 256 * 1024;
    for (int i = 0; ops.size() < n; i++) {
      String f = rnd.nextInt(5) == 0 ? "fsx_other" : "fsx_file";
      long size = m.file(f).size();
      int tag = 100 + i;
      long off = rnd.nextLong(maxLen);
      long len = 1 + rnd.nextLong(Math.min(65536, maxLen - off));
      CrashOp op = switch (rnd.nextInt(10)) {
        case 0, 1, 2 -> CrashOp.range(Kind.WRITE, f, off, len, tag);
        case 3 -> size > 0 ? CrashOp.range(Kind.MMAP_WRITE, f, off % size,
            Math.min(len, size - off % size), tag) : null;
        case 4 -> new CrashOp(Kind.TRUNCATE, f, null, rnd.nextLong(maxLen), 0, 0);
        case 5 -> caps.contains(Capability.FALLOCATE)
            ? CrashOp.range(Kind.FALLOCATE, f, off, len, 0) : null;
        case 6 -> caps.contains(Capability.FALLOCATE)
            ? CrashOp.range(Kind.FALLOCATE_KEEP_SIZE, f, off, len, 0) : null;
        case 7 -> caps.contains(Capability.PUNCH_HOLE)
            ? CrashOp.range(Kind.PUNCH, f, off, len, 0) : null;
        default -> CrashOp.of(switch (rnd.nextInt(5)) {
          case 0, 1 -> Kind.FSYNC;
          case 2, 3 -> Kind.FDATASYNC;
          default -> Kind.SYNC;
        }, f);
      };
      if (op == null) {
        continue;
      }
      if (op.kind() == Kind.SYNC) {
        op = new CrashOp(Kind.SYNC, "", null, 0, 0, 0);
      }
      m.apply(op, true, false);
      ops.add(op);
    }
    return new Workload("fsx-" + seed + "." + k, setup, ops);
  }
}
