package org.vfsim.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.crash.CrashCheck;
import org.vfsim.testkit.crash.CrashReplay;
import org.vfsim.testkit.crash.CrashViolation;
import org.vfsim.testkit.crash.Workload;
import org.vfsim.testkit.crash.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vfsim crash}: runs crash workloads with the block request log on and checks every
 * state a power cut could leave (mount with recovery, fsck, the persistence oracle); exit
 * status 0 only when every state kept every promise.
 */
@Command(name = "crash", mixinStandardHelpOptions = true,
    description = {"Check crash consistency: run workloads, build every state a power cut could"
        + " leave from the device's request log (writes after the last flush kept or lost,"
        + " honouring FUA and PREFLUSH), mount each (the filesystem's recovery runs), run its"
        + " fsck, and check that what fsync, fdatasync and sync promised is there.",
        "Each violation is printed with its workload and state, and written as a replay file.",
        "Exit status 0 only when no state broke a promise."},
    footer = {"", "A long campaign runs each workload in turn (seq1 and seq2 end when their"
        + " sequences do; fsx never ends, -N stops it), for example:",
        "  vfsim crash --fs btrfsish --workload seq2 -N 100000",
        "  vfsim crash --fs btrfsish --workload fsx -N 25000 -S 1",
        "Progress is printed every 100 to 2,500 states (states checked, workloads, violations,"
            + " elapsed seconds); a state takes a few milliseconds and little memory, so a run"
            + " of any length fits the default heap."})
final class CrashCommand implements Callable<Integer> {
  private static final int PRINTED = 20;
  private final CliContext ctx;

  @Option(names = "--fs", paramLabel = "NAME", description = "filesystem type")
  String fs;

  @Option(names = "--workload", paramLabel = "NAME", defaultValue = "seq1",
      description = "seq1 or seq2 (ACE-style sequences of one or two core operations, each"
          + " followed by fsync, fdatasync, a directory fsync or sync) or fsx (fsx's operation"
          + " mix; default: ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "-N", paramLabel = "STATES", defaultValue = "2000",
      description = "crash states to check at most (default: ${DEFAULT-VALUE})")
  long states;

  @Option(names = "-S", paramLabel = "SEED", defaultValue = "1",
      description = "seed: the order of seq2, the fsx operations, and which states a crash"
          + " point with too many gets (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--per-point", paramLabel = "K", defaultValue = "16",
      description = "states per crash point at most (default: ${DEFAULT-VALUE})")
  int perPoint;

  @Option(names = "--mkfs", paramLabel = "OPTS", defaultValue = "", description = "mkfs options")
  String mkfsOptions;

  @Option(names = "--mount", paramLabel = "OPTS", defaultValue = "",
      description = "mount options")
  String mountOptions;

  @Option(names = "--replay", paramLabel = "FILE",
      description = "check the one state of a replay file instead")
  Path replay;

  @Option(names = "--replay-dir", paramLabel = "DIR", defaultValue = "crash-replays",
      description = "where violations' replay files go, as FS-WORKLOAD-SEED-N.replay"
          + " (default: ${DEFAULT-VALUE})")
  Path replayDir;

  CrashCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    if (replay != null) {
      return replay();
    }
    if (fs == null) {
      throw new CliFailure("crash: --fs NAME is required", 2);
    }
    if (states < 1) {
      throw new CliFailure("crash: -N: the number of states must be at least 1, not " + states,
          2);
    }
    if (perPoint < 1) {
      throw new CliFailure("crash: --per-point must be at least 1, not " + perPoint, 2);
    }
    if (!Workloads.NAMES.contains(workload)) {
      throw new CliFailure("crash: --workload: unknown workload '" + workload
          + "' (seq1, seq2 or fsx)", 2);
    }
    FileSystemType type = ctx.registry().get(fs);
    if (!type.has(Capability.BLOCK_DEVICE)) {
      throw new CliFailure("crash: " + fs + " keeps nothing on a device: it has no crash states",
          2);
    }
    PrintStream out = ctx.out();
    CrashCheck check = new CrashCheck(fut(type, mkfsOptions, mountOptions), perPoint, seed);
    out.printf("crash: %s, workload %s, seed %d, at most %d states, %d per crash point%n", fs,
        workload, seed, states, perPoint);
    // Progress about every 5 seconds of a typical run, at most 20 lines for a short one.
    long every = Math.max(100, Math.min(2500, states / 20));
    long nextReport = every;
    long startNanos = System.nanoTime(); // wall time, for the progress lines only
    int[] found = new int[1];
    for (Workload w : Workloads.named(workload, type, seed)) {
      long left = states - check.statesChecked();
      if (left <= 0) {
        break;
      }
      check.check(w, left, v -> report(v, ++found[0]));
      if (check.statesChecked() >= nextReport && check.statesChecked() < states) {
        out.printf("crash: %d states checked (%d workloads), %d violations so far, %d s%n",
            check.statesChecked(), check.workloadsRun(), found[0], seconds(startNanos));
        out.flush();
        while (nextReport <= check.statesChecked()) {
          nextReport += every;
        }
      }
    }
    out.printf("crash: %s: checked %d states at %d crash points of %d workloads: %d"
        + " violations (%d s)%n", fs, check.statesChecked(), check.crashPoints(),
        check.workloadsRun(), found[0], seconds(startNanos));
    return found[0] == 0 ? 0 : 1;
  }

  private static long seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000_000L;
  }

  private static FilesystemUnderTest fut(FileSystemType type, String mkfs, String mount) {
    return FilesystemUnderTest.of(type).withMkfsOptions(mkfs).withMountOptions(mount);
  }

  private void report(CrashViolation v, int n) {
    PrintStream out = ctx.out();
    if (n > PRINTED) {
      if (n == PRINTED + 1) {
        out.println("crash: more violations: only their count is printed from here");
      }
      return;
    }
    out.println("VIOLATION #" + n + ": " + v.describe().replace("\n", "\n  "));
    try {
      Files.createDirectories(replayDir);
      // The workload family is in the name: seq2 and fsx runs of one seed must not overwrite
      // each other's replays.
      Path file = replayDir.resolve(v.fs() + "-" + workload + "-" + seed + "-" + n + ".replay");
      Files.writeString(file, v.replay());
      out.println("  replay with: vfsim crash --replay " + file);
    } catch (IOException e) {
      out.println("  (replay file not written: " + CliFailure.describe(e) + ")");
    }
  }

  private int replay() throws IOException {
    CrashReplay r;
    try {
      r = CrashReplay.parse(Files.readAllLines(replay));
    } catch (IllegalArgumentException e) {
      throw new CliFailure("crash: " + replay + ": " + e.getMessage(), 2);
    }
    FileSystemType type = ctx.registry().get(r.fs());
    CrashCheck check = new CrashCheck(fut(type, r.mkfsOptions(), r.mountOptions()), 1, seed);
    List<String> problems;
    try {
      problems = check.replay(r.workload(), r.crashAt(), r.kept());
    } catch (IllegalArgumentException e) {
      throw new CliFailure("crash: " + replay + ": " + e.getMessage(), 2);
    }
    PrintStream out = ctx.out();
    out.println("crash: replay of " + r.workload().name() + " on " + r.fs() + ", crash at log"
        + " position " + r.crashAt() + ", kept " + r.kept());
    problems.forEach(p -> out.println("VIOLATION " + p));
    out.println("crash: " + (problems.isEmpty() ? "the state keeps every promise"
        : problems.size() + " problems"));
    return problems.isEmpty() ? 0 : 1;
  }
}
