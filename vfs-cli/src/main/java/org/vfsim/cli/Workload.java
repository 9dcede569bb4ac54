package org.vfsim.cli;

/** What {@code vfsim compare} runs on each filesystem variant: a seeded, deterministic program of system calls. */
interface Workload {
  /** The name the report shows. */
  String name();

  /** One line for the report and {@code --help}. */
  String description();

  /** Runs against the fresh filesystem behind {@code ctx}; marks rounds with {@link WorkloadContext#endRound}. */
  void run(WorkloadContext ctx);
}
