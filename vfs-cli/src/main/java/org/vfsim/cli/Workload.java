package org.vfsim.cli;

/** What {@code vfsim compare} runs on each variant: a seeded, deterministic program of syscalls. */
interface Workload {
  /** The name the report shows. */
  String name();

  /** One line for the report and {@code --help}. */
  String description();

  /** Runs on the fresh filesystem behind {@code ctx}, marking rounds with {@code endRound}. */
  void run(WorkloadContext ctx);
}
