package org.vfsim.btrfsish;

/**
 * {@code struct btrfs_space_info}: bytes of one kind of space by state. {@code used},
 * {@code reserved}, {@code pinned} and {@code readonly} are physically taken; {@code mayUse} is
 * a claim on the rest, made at write time for dirty data that has no extent yet. The space that
 * is neither taken nor claimed is {@link #unclaimed()}; the five plus it equal {@code total}.
 */
final class SpaceInfo {
  final String name;
  final long total;
  long used;
  long reserved;
  long mayUse;
  long pinned;
  long readonly;

  SpaceInfo(String name, long total) {
    this.name = name;
    this.total = total;
  }

  long taken() {
    return used + reserved + pinned + readonly;
  }

  /** What a new reservation may still claim ({@code total - used - reserved - pinned - ro - may_use}). */
  long unclaimed() {
    return total - taken() - mayUse;
  }

  @Override
  public String toString() {
    return String.format("%s: total=%d used=%d reserved=%d may_use=%d pinned=%d readonly=%d free=%d",
        name, total, used, reserved, mayUse, pinned, readonly, unclaimed());
  }
}
