package org.vfsim.kernel;

/**
 * Places in the kernel where a test can run code on the task that reached them, to stage a race
 * deterministically (another task unmaps the source, reclaim runs, a writer queues) instead of
 * hoping the scheduler produces it.
 */
public enum HookPoint {
  /** In a write loop, after the source was faulted in and before any page is locked. */
  AFTER_FAULT_IN,
  /** In a write loop, with the destination folio locked, just before the atomic copy. */
  BEFORE_ATOMIC_COPY,
  /** In a write loop, after {@code write_end} committed a page and unlocked it. */
  AFTER_WRITE_END,
  /** In the page fault handler, with {@code mmap_lock} held, before the page is looked up. */
  IN_PAGE_FAULT,
  /** A task has queued for {@code mmap_lock} in write mode and is about to wait. */
  MMAP_WRITER_QUEUED,
  /** A task is about to wait for a folio lock held by another task. */
  FOLIO_LOCK_WAIT,
  /** A task is about to wait for {@code mmap_lock} in read mode. */
  MMAP_READER_WAIT,
  /** Inside a filesystem's space allocator; fault injection uses it to fail one allocation. */
  BLOCK_ALLOCATION,
}
