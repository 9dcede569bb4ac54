package org.vfsim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vfsim.cli.fio.Fallocate;
import org.vfsim.cli.fio.FileServiceType;
import org.vfsim.cli.fio.FioJob;
import org.vfsim.cli.fio.SizeRange;
import org.vfsim.fs.FallocMode;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * A fio job file as a workload: every clone of every job is a process of its own, and the clones
 * issue their I/Os interleaved one at a time (fio runs them in parallel; without stonewall the
 * jobs of a file run together too). Files are laid out first when fio would (reads, or
 * {@code overwrite=1}), preallocated as {@code fallocate=} says, then written or read in the
 * job's pattern with {@code fsync=}/{@code fdatasync=} every N writes per file, and
 * {@code end_fsync}, {@code loops}, {@code unlink} at the end. The job's {@code randseed}
 * (default fio's) is mixed with {@code --seed}.
 */
final class FioWorkload implements Workload {
  private static final int ROUNDS = 10;

  private final String name;
  private final List<FioJob> jobs;

  FioWorkload(Path jobFile, List<FioJob> jobs) {
    this.name = jobFile.getFileName().toString();
    this.jobs = List.copyOf(jobs);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "fio job file " + name + " (" + jobs.size() + " job" + (jobs.size() == 1 ? "" : "s")
        + ")";
  }

  /** One open file of a clone and its sequential cursor. */
  private static final class JobFile {
    final String name;
    final long size;
    int fd;
    long lastUse;
    long cursor;
    int writesSinceSync;

    JobFile(String name, long size, int fd) {
      this.name = name;
      this.size = size;
      this.fd = fd;
    }
  }

  /** One running clone of a job. */
  private final class Clone {
    final FioJob job;
    final Syscalls sys;
    final Random random;
    final List<JobFile> files = new ArrayList<>();
    final long bytesPerLoop;
    long issued;
    int loop;
    int current;
    int batch;
    long uses;

    Clone(WorkloadContext ctx, FioJob job, int clone) {
      this.job = job;
      this.sys = ctx.process(job.name() + "." + clone);
      this.random = new Random(job.randSeed() * 31 + clone * 7919L + ctx.seed());
      SizeRange perFile = job.perFileSize().orElseThrow(() -> new CliFailure("fio job '"
          + job.name() + "': needs size= or filesize="));
      long total = 0;
      for (int f = 0; f < job.fileCount(); f++) {
        String path = job.filePath(clone, f);
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
          ctx.mkdirs(path.substring(0, slash));
        }
        long size = perFile.isFixed() ? perFile.min()
            : perFile.min() + random.nextLong(perFile.max() - perFile.min() + 1);
        JobFile jf = new JobFile(path, size, ctx.create(sys, path));
        files.add(jf);
        total += size;
        if (f >= job.openFiles()) {
          // openfiles=: fio keeps at most that many open; the rest are opened when served.
          sys.close(jf.fd);
          jf.fd = -1;
        }
      }
      this.bytesPerLoop = job.size().isPresent() ? job.size().getAsLong() : total;
    }

    boolean done() {
      return loop >= job.loops();
    }

    JobFile pick() {
      JobFile f = files.get(current);
      if (++batch >= job.fileServiceBatch()) {
        batch = 0;
        current = switch (job.fileServiceType()) {
          case ROUNDROBIN -> (current + 1) % files.size();
          case RANDOM -> random.nextInt(files.size());
          // sequential: stay on a file until its bytes are done
          case SEQUENTIAL -> f.cursor >= f.size ? (current + 1) % files.size() : current;
        };
      }
      if (job.fileServiceType() == FileServiceType.SEQUENTIAL && f.cursor >= f.size) {
        return files.get(current);
      }
      return f;
    }

    int blockSize() {
      SizeRange bs = job.blockSizes();
      if (bs.isFixed()) {
        return (int) bs.min();
      }
      long steps = (bs.max() - bs.min()) / bs.min();
      return (int) (bs.min() + bs.min() * random.nextLong(steps + 1));
    }

    /** Opens {@code f} if closed, first closing the least recently used file past openfiles=. */
    void ensureOpen(WorkloadContext ctx, JobFile f) {
      f.lastUse = ++uses;
      if (f.fd >= 0) {
        return;
      }
      long open = files.stream().filter(x -> x.fd >= 0).count();
      if (open >= job.openFiles()) {
        JobFile lru = files.stream().filter(x -> x.fd >= 0)
            .min(java.util.Comparator.comparingLong(x -> x.lastUse)).orElseThrow();
        sys.close(lru.fd);
        lru.fd = -1;
      }
      f.fd = ctx.create(sys, f.name);
    }

    /** Issues one I/O; false when this clone has finished all loops. */
    boolean step(WorkloadContext ctx) {
      if (done()) {
        return false;
      }
      JobFile f = pick();
      ensureOpen(ctx, f);
      int bs = (int) Math.min(blockSize(), Math.max(1, f.size));
      long offset;
      if (job.readWrite().random()) {
        long slots = Math.max(1, f.size / bs);
        offset = random.nextLong(slots) * bs;
      } else {
        if (f.cursor + bs > f.size) {
          f.cursor = 0;
        }
        offset = f.cursor;
        f.cursor += bs + job.offsetModifier();
      }
      boolean write = job.readWrite().writes()
          && (!job.readWrite().reads() || random.nextInt(100) < job.rwMixWrite());
      if (write) {
        ctx.write(sys, f.fd, offset, bs, (byte) 0xcd);
        f.writesSinceSync++;
        if (job.fsync() > 0 && f.writesSinceSync % job.fsync() == 0) {
          sys.fsync(f.fd);
        } else if (job.fdatasync() > 0 && f.writesSinceSync % job.fdatasync() == 0) {
          sys.fdatasync(f.fd);
        }
      } else {
        sys.preadBytes(f.fd, bs, offset);
      }
      issued += bs;
      if (issued >= bytesPerLoop) {
        issued = 0;
        loop++;
        for (JobFile jf : files) {
          jf.cursor = 0;
        }
      }
      return true;
    }
  }

  @Override
  public void run(WorkloadContext ctx) {
    List<Clone> clones = new ArrayList<>();
    for (FioJob job : jobs) {
      for (int c = 0; c < job.numJobs(); c++) {
        Clone clone = new Clone(ctx, job, c);
        prepare(ctx, clone);
        clones.add(clone);
      }
    }
    long totalBytes = 0;
    for (Clone c : clones) {
      totalBytes += c.bytesPerLoop * c.job.loops();
    }
    long perRound = Math.max(1, totalBytes / ROUNDS);
    long sinceRound = 0;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Clone c : clones) {
        long before = c.issued;
        int loopBefore = c.loop;
        if (c.step(ctx)) {
          progress = true;
          sinceRound += c.loop != loopBefore ? c.bytesPerLoop - before : c.issued - before;
          if (sinceRound >= perRound) {
            sinceRound = 0;
            ctx.endRound();
          }
        }
      }
    }
    for (Clone c : clones) {
      for (JobFile f : c.files) {
        if (c.job.endFsync()) {
          c.ensureOpen(ctx, f);
          c.sys.fsync(f.fd);
        }
        if (f.fd >= 0) {
          c.sys.close(f.fd);
          f.fd = -1;
        }
        if (c.job.unlink()) {
          ctx.unlink(f.name);
        }
      }
    }
    ctx.endRound();
  }

  /** Preallocation and layout, as fio does before the job's I/O starts. */
  private static void prepare(WorkloadContext ctx, Clone c) {
    FioJob job = c.job;
    for (JobFile f : c.files) {
      c.ensureOpen(ctx, f);
      try {
        switch (job.fallocate()) {
          case NATIVE, POSIX -> c.sys.fallocate(f.fd, 0, 0, f.size);
          case KEEP -> c.sys.fallocate(f.fd, FallocMode.KEEP_SIZE, 0, f.size);
          case TRUNCATE -> c.sys.ftruncate(f.fd, f.size);
          case NONE -> {}
        }
      } catch (ErrnoException e) {
        // fio only warns when the filesystem cannot preallocate, and carries on.
        if (e.errno() != Errno.EOPNOTSUPP || job.fallocate() == Fallocate.TRUNCATE) {
          throw e;
        }
      }
      if (job.readWrite().reads() || job.overwrite()) {
        for (long off = 0; off < f.size; off += 1 << 20) {
          ctx.write(c.sys, f.fd, off, (int) Math.min(1 << 20, f.size - off), (byte) 0xcd);
        }
        c.sys.fsync(f.fd);
      }
    }
  }
}
