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
        "Writes report.csv (a row per run), summary.csv (mean, sd, 95%% CI per variant),"
            + " report.json and report.html (inline SVG, no network) into --out.",
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

  @Option(names = "--seed", paramLabel = "N",
      description = "seed of every random choice (default: 1)")
  Long seed;

  @Option(names = "--seeds", paramLabel = "SPEC", description = {"run every variant on each "
      + "seed: a range 1..10, a list 1,5,9, or both; the report gives mean, standard deviation "
      + "and a 95%% confidence interval per metric"})
  String seeds;

  @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...", description = {"also run every "
      + "variant at each value of KEY: size (device size), mount:OPTION or mkfs:OPTION; the "
      + "report plots each metric against the value"})
  String sweep;

  @Option(names = "--baseline", paramLabel = "VARIANT", description = "show headline metrics "
      + "relative to this variant (its label as the table prints it)")
  String baseline;

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "independent runs at once "
      + "(default: the machine's cores); results do not depend on it")
  Integer jobs;

  @Option(names = "--shard", paramLabel = "I/N", description = {"run only the I-th of N disjoint "
      + "parts of the study (1 <= I <= N) and write its results to shard-I-of-N.json in --out; "
      + "combine the parts with --merge"})
  String shard;

  @Option(names = "--merge", paramLabel = "PATH", arity = "1..*", description = {"make the "
      + "report from shard files (or folders of them) written by --shard runs of one study, "
      + "instead of running anything"})
  List<Path> merge;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

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
    if (merge != null) {
      return mergeShards();
    }
    if (seed != null && seeds != null) {
      throw CliFailure.usage("--seed and --seeds: give one or the other");
    }
    int[] part = shard == null ? null : parseShard(shard);
    Workload w = resolveWorkload(workload);
    List<Variant> variants = fs.isEmpty() ? Variant.DEFAULTS : Variant.parse(fs);
    long bytes = MountOptions.parseSize("--size", size);
    List<Long> seedList = seeds != null ? Seeds.parse(seeds) : List.of(seed == null ? 1L : seed);
    StudyPlan plan = new StudyPlan(w.name(), variants, seedList,
        sweep == null ? null : Sweep.parse(sweep), bytes);
    List<RunSpec> runs = plan.runs();
    // Usage errors surface before minutes of simulation, not as a failed row at the end.
    for (RunSpec r : runs) {
      checkVariant(r.variant());
    }
    checkBaseline(runs);
    Files.createDirectories(out);
    ctx.out().println("vfsim compare: workload " + w.name() + ", "
        + (seedList.size() == 1 ? "seed " + seedList.get(0) : seedList.size() + " seeds") + ", "
        + variants.size() + " variants" + (plan.sweep() == null ? ""
            : ", " + plan.sweep().values().size() + " values of " + plan.sweep().name())
        + (runs.size() > 1 ? ", " + runs.size() + " runs" : "")
        + (part == null ? "" : ", shard " + part[0] + "/" + part[1]));
    variants.stream().map(v -> ctx.registry().get(v.fs())).distinct()
        .filter(t -> PluginPath.isPluginClass(t.getClass()))
        .forEach(t -> ctx.out().println("vfsim compare: " + t.name() + " from "
            + PluginsCommand.origin(t)));
    Provenance prov = Provenance.of(commandLine(), variants.stream()
        .map(v -> ctx.registry().get(v.fs())).distinct().toList(), seedList, dataless);
    List<RunSpec> mine = part == null ? runs
        : runs.stream().filter(r -> r.index() % part[1] == part[0] - 1).toList();
    ProgressBar bar = new ProgressBar(ctx.err(), ctx.terminal(), "compare");
    List<VariantResult> results = StudyRunner.run(ctx.registry(), w, mine, dataless,
        jobs != null ? jobs : Runtime.getRuntime().availableProcessors(), bar);
    bar.finish();
    if (part != null) {
      List<ShardFile.Entry> entries = new java.util.ArrayList<>();
      for (int i = 0; i < mine.size(); i++) {
        entries.add(new ShardFile.Entry(mine.get(i).index(), results.get(i)));
      }
      Path file = ShardFile.name(out, part[0], part[1]);
      new ShardFile(ShardFile.FORMAT, ShardFile.VERSION, plan.fingerprint(), part[0], part[1],
          w.description(), plan, prov, entries).write(file);
      ctx.out().println("wrote " + file + " (" + mine.size() + " of " + runs.size() + " runs)");
      return results.stream().anyMatch(VariantResult::ok) || mine.isEmpty() ? 0 : 1;
    }
    return report(new ComparisonReport(w.name(), w.description(), plan, runs, results, prov,
        baseline), results);
  }

  private int report(ComparisonReport report, List<VariantResult> results) throws IOException {
    warnNoFiemap(results);
    ctx.out().print(report.table());
    for (Path p : report.writeTo(out)) {
      ctx.out().println("wrote " + p);
    }
    // Exit 0 when at least one variant ran: a failing plugin is a finding, not an error.
    return results.stream().anyMatch(VariantResult::ok) ? 0 : 1;
  }

  private void warnNoFiemap(List<VariantResult> results) {
    java.util.Set<String> warned = new java.util.HashSet<>();
    for (VariantResult r : results) {
      // A device-less baseline (ramfs) has no layout to speak of; a device-backed type should.
      if (r.ok() && !r.hasFiemap() && r.deviceBlocks() > 0 && warned.add(r.variant().label())) {
        ctx.err().println("vfsim compare: warning: " + r.variant().label() + ": "
            + VariantResult.NO_FIEMAP + "; those columns are left empty");
      }
    }
  }

  private int mergeShards() throws IOException {
    List<ShardFile> shards = ShardFile.readAll(merge);
    List<VariantResult> results = ShardFile.merge(shards);
    ShardFile first = shards.get(0);
    StudyPlan plan = first.plan();
    List<RunSpec> runs = plan.runs();
    if (baseline != null) {
      checkBaseline(runs);
    }
    Files.createDirectories(out);
    ctx.out().println("vfsim compare: merged " + shards.size() + " shards of " + first.of()
        + ": workload " + plan.workload() + ", " + runs.size() + " runs");
    return report(new ComparisonReport(plan.workload(), first.description(), plan, runs,
        results, first.provenance(), baseline), results);
  }

  /** The study's command line as a shard would repeat it: without --shard, --out and --jobs. */
  private List<String> commandLine() {
    List<String> args = new java.util.ArrayList<>(List.of("compare"));
    List<String> given = spec.commandLine().getParseResult().originalArgs();
    boolean seenCompare = false;
    for (int i = 0; i < given.size(); i++) {
      String a = given.get(i);
      if (!seenCompare) {
        seenCompare = a.equals("compare");
        continue;
      }
      if (a.equals("--shard") || a.equals("--out") || a.equals("-j") || a.equals("--jobs")
          || a.equals(PluginPath.OPTION)) {
        i++;
        continue;
      }
      if (a.startsWith("--shard=") || a.startsWith("--out=") || a.startsWith("--jobs=")
          || a.startsWith(PluginPath.OPTION + "=")) {
        continue;
      }
      args.add(a);
    }
    return args;
  }

  private static int[] parseShard(String s) {
    String[] p = s.split("/");
    try {
      if (p.length == 2) {
        int i = Integer.parseInt(p[0].trim());
        int n = Integer.parseInt(p[1].trim());
        if (n >= 1 && i >= 1 && i <= n) {
          return new int[] {i, n};
        }
      }
    } catch (NumberFormatException e) {
      // fall through to the usage error
    }
    throw CliFailure.usage("--shard " + s + ": expected I/N with 1 <= I <= N");
  }

  private void checkBaseline(List<RunSpec> runs) {
    if (baseline != null && runs.stream().noneMatch(r -> r.group().equals(baseline))) {
      throw CliFailure.usage("--baseline " + baseline + ": no such variant; the variants are "
          + String.join(", ", runs.stream().map(RunSpec::group).distinct().toList()));
    }
  }
}
