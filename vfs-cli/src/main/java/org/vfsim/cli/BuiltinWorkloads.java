package org.vfsim.cli;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/** The workloads {@code vfsim compare --workload NAME} knows by name. */
final class BuiltinWorkloads {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  private BuiltinWorkloads() {}

  static final ImmutableMap<String, Workload> ALL = ImmutableMap.of(
      "default", new IntraFile("default",
          "small: 4 files grown in turns to 256 KiB (4 KiB appends, each fsynced: the intra-file"
              + " pattern in miniature), then a 1 MiB sequential file", 4, 64, 1 * MIB),
      "conway-intrafile", new IntraFile("conway-intrafile",
          "Conway et al. FAST'17 intra-file: 10 files grown in turns to 400 KiB, 4 KiB appended"
              + " to one file and fsynced before the next", 10, 100, 0),
      "sequential", new Sequential(),
      "random-overwrite", new RandomOverwrite(),
      "small-files-aging", new SmallFilesAging());

  static Workload get(String name) {
    Workload w = ALL.get(name);
    if (w == null) {
      throw new CliFailure("unknown workload '" + name + "' (not a built-in: " + ALL.keySet()
          + ", and no such job file)");
    }
    return w;
  }

  /** N files grown in turns by 4 KiB appends, each append fsynced before the next file's. */
  record IntraFile(String name, String description, int files, int rounds, int tailBytes)
      implements Workload {
    @Override
    public void run(WorkloadContext ctx) {
      ctx.mkdirs("intra");
      Syscalls sys = ctx.sys();
      int[] fds = new int[files];
      for (int i = 0; i < files; i++) {
        fds[i] = ctx.create("intra/f" + i);
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < files; i++) {
          ctx.write(fds[i], (long) r * 4 * KIB, 4 * KIB);
          sys.fsync(fds[i]);
        }
        ctx.endRound();
      }
      for (int fd : fds) {
        sys.close(fd);
      }
      if (tailBytes > 0) {
        int fd = ctx.create("intra/sequential");
        for (long off = 0; off < tailBytes; off += 64 * KIB) {
          ctx.write(fd, off, 64 * KIB);
        }
        sys.fsync(fd);
        sys.close(fd);
        ctx.endRound();
      }
    }
  }

  /** Four 8 MiB files written one after another in 1 MiB writes, each fsynced when complete. */
  static final class Sequential implements Workload {
    @Override
    public String name() {
      return "sequential";
    }

    @Override
    public String description() {
      return "4 files of 8 MiB written one after another in 1 MiB writes, each fsynced at the end";
    }

    @Override
    public void run(WorkloadContext ctx) {
      ctx.mkdirs("seq");
      for (int i = 0; i < 4; i++) {
        int fd = ctx.create("seq/f" + i);
        for (long off = 0; off < 8L * MIB; off += MIB) {
          ctx.write(fd, off, MIB);
        }
        ctx.sys().fsync(fd);
        ctx.sys().close(fd);
        ctx.endRound();
      }
    }
  }

  /** A 16 MiB file laid out sequentially, then 4096 seeded random 4 KiB overwrites. */
  static final class RandomOverwrite implements Workload {
    @Override
    public String name() {
      return "random-overwrite";
    }

    @Override
    public String description() {
      return "a 16 MiB file written sequentially, then 4096 random 4 KiB overwrites (seeded),"
          + " fsynced every 512";
    }

    @Override
    public void run(WorkloadContext ctx) {
      ctx.mkdirs("rand");
      int fd = ctx.create("rand/f");
      long size = 16L * MIB;
      for (long off = 0; off < size; off += MIB) {
        ctx.write(fd, off, MIB);
      }
      ctx.sys().fsync(fd);
      ctx.endRound();
      Random r = ctx.random();
      for (int i = 1; i <= 4096; i++) {
        long block = r.nextLong(size / (4 * KIB));
        ctx.write(fd, block * 4 * KIB, 4 * KIB);
        if (i % 512 == 0) {
          ctx.sys().fsync(fd);
          ctx.endRound();
        }
      }
      ctx.sys().close(fd);
    }
  }

  /**
   * Creates files with sizes drawn log-uniformly from 4 KiB to 1 MiB and deletes random ones,
   * until the filesystem is 60% full (seeded): free space fragments the way aging does it.
   */
  static final class SmallFilesAging implements Workload {
    static final double TARGET_FULLNESS = 0.6;
    static final int MAX_OPERATIONS = 20_000;

    @Override
    public String name() {
      return "small-files-aging";
    }

    @Override
    public String description() {
      return "create files of 4 KiB..1 MiB (log-uniform) and delete random ones until 60% full"
          + " (seeded)";
    }

    @Override
    public void run(WorkloadContext ctx) {
      ctx.mkdirs("aging");
      Random r = ctx.random();
      List<String> live = new ArrayList<>();
      int next = 0;
      for (int op = 1; op <= MAX_OPERATIONS; op++) {
        if (live.size() > 8 && r.nextDouble() < 0.35) {
          ctx.unlink(live.remove(r.nextInt(live.size())));
        } else {
          String name = "aging/f" + next++;
          long size = 4L * KIB << r.nextInt(9);
          size += r.nextLong(size);
          size = Math.min(size, MIB);
          int fd = ctx.create(name);
          try {
            for (long off = 0; off < size; off += 64 * KIB) {
              ctx.write(fd, off, (int) Math.min(64 * KIB, size - off));
            }
          } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOSPC) {
              throw e;
            }
            ctx.sys().close(fd);
            ctx.endRound();
            return;
          }
          ctx.sys().close(fd);
          live.add(name);
        }
        if (op % 64 == 0) {
          ctx.sys().sync();
          ctx.endRound();
          if (ctx.fullness() >= TARGET_FULLNESS) {
            return;
          }
        }
      }
      ctx.endRound();
    }
  }
}
