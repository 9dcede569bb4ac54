package org.vfsim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vfsim.cli.fio.FioJobFile;
import org.vfsim.cli.fio.FioJobFileException;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import org.vfsim.syscall.ErrnoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vfsim compare}: one workload on several filesystem variants, side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Run one workload on several filesystems and option variants, each on a fresh"
        + " machine and device, and report layout, fragmentation, amplification, allocator"
        + " counters and device time.",
        "Writes report.csv, report.json and report.html (inline SVG, no network) into --out.",
        "Built-in workloads: default, conway-intrafile, sequential, random-overwrite,"
            + " small-files-aging; or a fio job file."})
final class CompareCommand implements Callable<Integer> {
  static final String DEFAULT_SIZE = "256m";

  private final CliContext ctx;

  @Option(names = "--fs", paramLabel = "LIST", description = {"variants: NAME[:MOUNTOPTS]"
      + "[:MKFSOPTS], repeatable; names without options may be comma-separated.",
      "Default: ext2ish, xfsish, xfsish:alloc=unwritten, btrfsish, btrfsish:nodatacow"})
  List<String> fs = new ArrayList<>();

  @Option(names = "--workload", paramLabel = "NAME|JOBFILE", defaultValue = "default",
      description = "a built-in workload or a fio job file (default: ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "vfsim-report",
      description = "where the CSV, JSON and HTML reports go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "seed of every random choice (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = DEFAULT_SIZE,
      description = "device size of each variant (default: ${DEFAULT-VALUE})")
  String size;

  @Option(names = "--dataless",
      description = {"devices store metadata only, not file data: memory grows with metadata,"
          + " for large aging studies; the cold read then reads zeros (the report says so)"})
  boolean dataless;

  CompareCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  static Workload resolveWorkload(String name) throws IOException {
    if (BuiltinWorkloads.ALL.containsKey(name)) {
      return BuiltinWorkloads.ALL.get(name);
    }
    Path p = Path.of(name);
    if (!Files.isRegularFile(p)) {
      return BuiltinWorkloads.get(name);
    }
    try {
      var jobs = FioJobFile.parse(p);
      if (jobs.isEmpty()) {
        throw new CliFailure(p + ": no job sections");
      }
      return new FioWorkload(p, jobs);
    } catch (FioJobFileException e) {
      throw new CliFailure(p + ": " + e.getMessage());
    }
  }

  /** An unknown type or an option it does not take is the user's mistake: exit status 2. */
  private void checkVariant(Variant v) {
    try {
      FileSystemType type = ctx.registry().get(v.fs());
      MountOptions.parse(v.mkfsOptions(), type.mkfsOptions());
      MountOptions.parse(v.mountOptions(), type.mountOptions());
    } catch (ErrnoException e) {
      throw new CliFailure("--fs " + v.label() + ": " + CliFailure.describe(e), 2);
    }
  }

  @Override
  public Integer call() throws IOException {
    Workload w = resolveWorkload(workload);
    List<Variant> variants = fs.isEmpty() ? Variant.DEFAULTS : Variant.parse(fs);
    long bytes = MountOptions.parseSize("--size", size);
    // Usage errors surface before minutes of simulation, not as a failed row at the end.
    for (Variant v : variants) {
      checkVariant(v);
    }
    Files.createDirectories(out);
    ctx.out().println("vfsim compare: workload " + w.name() + ", seed " + seed + ", "
        + variants.size() + " variants");
    ProgressBar bar = new ProgressBar(ctx.err(), ctx.terminal(), "compare");
    List<VariantResult> results = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      int index = i;
      bar.update(i, variants.size(), v.label());
      results.add(ComparisonRun.run(ctx.registry(), v, w, seed, bytes, dataless,
          round -> bar.update(index, variants.size(), v.label() + " round " + round)));
    }
    bar.finish();
    ComparisonReport report = new ComparisonReport(w.name(), w.description(), seed, bytes,
        results, dataless);
    ctx.out().print(report.table());
    for (Path p : report.writeTo(out)) {
      ctx.out().println("wrote " + p);
    }
    // Exit 0 when at least one variant ran: a failing plugin is a finding, not an error.
    return results.stream().anyMatch(VariantResult::ok) ? 0 : 1;
  }
}
