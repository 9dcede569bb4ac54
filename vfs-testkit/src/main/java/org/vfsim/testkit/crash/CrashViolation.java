package org.vfsim.testkit.crash;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A crash state that broke a promise or left an inconsistent filesystem: the workload, the
 * crash point (a log position), the writes of its epoch that were kept (log positions), and
 * the problems, one line each. {@link #replay} is a replay file's text.
 */
public record CrashViolation(String fs, String mkfsOptions, String mountOptions,
    Workload workload, int crashAt, ImmutableList<Integer> kept, ImmutableList<Integer> optional,
    ImmutableList<String> problems) {

  /** A few lines for a report. */
  public String describe() {
    return "workload " + workload.name() + "\n" + workload.describe() + "\n  crash at log position "
        + crashAt + "; of the " + optional.size() + " unflushed writes since the last flush, kept "
        + kept + (optional.isEmpty() ? "" : " (of " + optional + ")") + "\n"
        + problems.stream().map(p -> "  VIOLATION " + p).collect(Collectors.joining("\n"));
  }

  /** The text of a replay file ({@link CrashReplay} reads it back). */
  public String replay() {
    StringBuilder sb = new StringBuilder("# vfsim crash replay file\n");
    sb.append("fs ").append(fs).append('\n');
    sb.append("mkfs ").append(mkfsOptions).append('\n');
    sb.append("mount ").append(mountOptions).append('\n');
    sb.append("workload ").append(workload.name()).append('\n');
    workload.setup().forEach(o -> sb.append("setup ").append(o).append('\n'));
    workload.ops().forEach(o -> sb.append("op ").append(o).append('\n'));
    sb.append("crash-at ").append(crashAt).append('\n');
    sb.append("kept ").append(join(kept)).append('\n');
    return sb.toString();
  }

  static String join(List<Integer> l) {
    return l.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
