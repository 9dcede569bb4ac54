package org.vfsim.testkit.crash;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A crash workload: {@code setup} runs and is synced before the request log starts (the state
 * every crash starts from), then {@code ops} run while the log records every request.
 */
public record Workload(String name, ImmutableList<CrashOp> setup, ImmutableList<CrashOp> ops) {
  public Workload(String name, List<CrashOp> setup, List<CrashOp> ops) {
    this(name, ImmutableList.copyOf(setup), ImmutableList.copyOf(ops));
  }

  /** The operations as one line each: {@code setup:} lines, then the logged ones. */
  public String describe() {
    return setup.stream().map(o -> "  setup " + o).collect(Collectors.joining("\n")) + "\n"
        + ops.stream().map(o -> "  " + o).collect(Collectors.joining("\n"));
  }

  @Override
  public String toString() {
    return name + ": " + ops.stream().map(CrashOp::toString).collect(Collectors.joining("; "));
  }
}
