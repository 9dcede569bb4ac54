package org.vfsim.block;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which of the writes still in a device's volatile cache reach media when the power fails. A
 * real drive may have destaged any subset of its cache, in any order; everything flushed, and
 * every FUA write, is durable whatever this says. The default keeps none (the whole cache is
 * lost); the test kit installs others to build every crash state a workload can leave.
 */
@FunctionalInterface
public interface PowerCutPolicy {
  /** Loses every write not yet flushed. */
  PowerCutPolicy LOSE_ALL = pending -> w -> false;

  /** Keeps every cached write, as if the cache had destaged just before the cut. */
  PowerCutPolicy KEEP_ALL = pending -> w -> true;

  /**
   * Given the pending writes in submission order, says which survive; the survivors are applied
   * to media in submission order, so a later write of a block wins over an earlier one.
   */
  Predicate<PendingWrite> survivors(List<PendingWrite> pending);
}
