package org.vfsim.testkit.crash;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.vfsim.fs.Capability;
import org.vfsim.testkit.FilesystemUnderTest;

/**
 * A bounded crash-state sweep for a plugin's test suite (CI runs one on every plugin): every
 * {@code seq1} workload, the first {@code seq2} workloads in the order of a fixed seed, and a
 * few fsx-mix workloads, each crash point with a budget of states. Prints the numbers.
 */
public final class CrashSweep {
  /** What one family of workloads found. */
  public record Part(String workload, long workloads, long points, long states,
      List<CrashViolation> violations) {}

  private CrashSweep() {}

  /**
   * Runs the sweep: {@code seq2Workloads} of seq2 and {@code fsxWorkloads} fsx-mix workloads of
   * 40 operations, {@code perPoint} states per crash point, choices seeded by {@code seed}.
   */
  public static List<Part> run(FilesystemUnderTest fut, int seq2Workloads, int fsxWorkloads,
      int perPoint, long seed, PrintStream out) {
    var caps = fut.type().capabilities();
    List<Part> parts = new ArrayList<>();
    parts.add(part("seq1", fut, Workloads.seq1(caps), perPoint, seed));
    List<Workload> seq2 = Workloads.seq2(caps, seed);
    parts.add(part("seq2", fut, seq2.subList(0, Math.min(seq2Workloads, seq2.size())), perPoint,
        seed));
    List<Workload> fsx = new ArrayList<>();
    for (int k = 0; k < fsxWorkloads; k++) {
      fsx.add(Workloads.fsx(caps, seed, k, 40));
    }
    parts.add(part("fsx", fut, fsx, perPoint, seed));
    for (Part p : parts) {
      out.printf("crash sweep: %s %s: %d states at %d crash points of %d workloads (seed %d):"
          + " %d violations%n", fut.type().name(), p.workload(), p.states(), p.points(),
          p.workloads(), seed, p.violations().size());
      if (!p.violations().isEmpty()) {
        out.println(p.violations().get(0).describe());
      }
    }
    return parts;
  }

  private static Part part(String name, FilesystemUnderTest fut, List<Workload> workloads,
      int perPoint, long seed) {
    CrashCheck check = new CrashCheck(fut, perPoint, seed);
    for (Workload w : workloads) {
      check.check(w, Long.MAX_VALUE, v -> { });
    }
    return new Part(name, check.workloadsRun(), check.crashPoints(), check.statesChecked(),
        check.violations());
  }

  /** Whether {@code fut} keeps anything on a device (else it has no crash states). */
  public static boolean applies(FilesystemUnderTest fut) {
    return fut.type().has(Capability.BLOCK_DEVICE);
  }
}
