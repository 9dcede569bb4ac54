package org.vfsim.ext2ish;

import org.jspecify.annotations.Nullable;

/**
 * {@code struct ext2_block_alloc_info}: the in-memory allocation state of a file, the last block
 * it allocated (the goal of a sequential write) and its reservation window.
 */
final class AllocInfo {
  long lastLogical = -1;
  long lastPhysical;
  @Nullable ReservationWindow rsv;
}
