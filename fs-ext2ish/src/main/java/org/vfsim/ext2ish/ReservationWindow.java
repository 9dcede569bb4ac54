package org.vfsim.ext2ish;

/**
 * A file's reservation window ({@code struct ext2_reserve_window_node}): a range of blocks only
 * this file allocates from, sized by a goal that doubles when more than half of the window was
 * used, up to {@link BlockAllocator#MAX_RESERVE_BLOCKS}.
 */
final class ReservationWindow {
  final long owner;
  long start = -1;
  long end = -1;
  int goalSize;
  long allocHit;

  ReservationWindow(long owner, int goalSize) {
    this.owner = owner;
    this.goalSize = goalSize;
  }

  boolean isEmpty() {
    return start < 0;
  }

  boolean contains(long block) {
    return !isEmpty() && block >= start && block <= end;
  }

  @Override
  public String toString() {
    return "rsv(ino " + owner + " " + start + ".." + end + " goal " + goalSize + ")";
  }
}
