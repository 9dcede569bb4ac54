package org.vfsim.fs.alloc;

import java.util.Optional;

/**
 * Where a file's new blocks go: the one decision a filesystem delegates to a pluggable policy.
 * Implementations are looked up by {@link #name} ({@link AllocationPolicies}); one instance
 * serves one mounted filesystem, so a policy may keep state (a cursor) between calls.
 */
public interface AllocationPolicy {
  /** The name {@code policy=NAME} selects. */
  String name();

  /** A line for {@code vfsim plugins}. */
  String description();

  /**
   * Chooses the blocks for {@code request}: a free extent of {@code free}, at least
   * {@code request.minBlocks()} and at most {@code request.blocks()} long, or empty when no free
   * extent is long enough (the filesystem then asks for less, or fails with ENOSPC).
   */
  Optional<BlockExtent> allocate(AllocRequest request, FreeSpace free);

  /** Told after the filesystem freed {@code extent}; most policies keep no state about it. */
  default void freed(BlockExtent extent) {}

  /** A fresh instance for another mount (stateful policies must not share their cursor). */
  AllocationPolicy newInstance();
}
