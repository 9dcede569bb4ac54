package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.vfsim.plugin.PluginRegistry;

/**
 * Runs a study's runs on a pool of threads. Every run boots its own machine and takes its seed
 * from the plan, never from the thread or the clock, so the results are the same whatever the
 * pool size and order of completion: the pool only changes how long the study takes.
 */
final class StudyRunner {
  private StudyRunner() {}

  /** Results of {@code runs}, in their order; progress goes to {@code bar}. */
  static List<VariantResult> run(PluginRegistry registry, Workload workload, List<RunSpec> runs,
      boolean dataless, int jobs, ProgressBar bar) {
    int threads = Math.max(1, Math.min(jobs, runs.size()));
    AtomicInteger done = new AtomicInteger();
    bar.update(0, runs.size(), "");
    if (threads == 1) {
      List<VariantResult> out = new ArrayList<>();
      for (RunSpec r : runs) {
        out.add(one(registry, workload, r, dataless, runs.size(), done, bar));
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, "vfsim-study");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<VariantResult>> futures = new ArrayList<>();
      for (RunSpec r : runs) {
        futures.add(pool.submit(() -> one(registry, workload, r, dataless, runs.size(), done, bar)));
      }
      List<VariantResult> out = new ArrayList<>();
      for (Future<VariantResult> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static VariantResult one(PluginRegistry registry, Workload workload, RunSpec r,
      boolean dataless, int total, AtomicInteger done, ProgressBar bar) {
    VariantResult result = ComparisonRun.run(registry, r.variant(), workload, r.seed(),
        r.deviceBytes(), dataless, round -> bar.update(done.get(), total, r.group() + " seed " + r.seed()
            + " round " + round));
    bar.update(done.incrementAndGet(), total, r.group() + " seed " + r.seed());
    return result;
  }
}
