package org.vfsim.pagecache;

/** A snapshot of page cache counters, as {@code /proc/meminfo} and {@code /proc/vmstat} show them. */
public record PageCacheStats(
    long nrPages,
    long nrDirty,
    long nrWriteback,
    long limitPages,
    long dirtyBackgroundThresh,
    long dirtyThresh,
    long reclaimed,
    long reclaimWriteback,
    long backgroundWritebackRuns,
    long throttled,
    long pagesWrittenBack) {}
