package org.vfsim.cli;

import org.jspecify.annotations.Nullable;

/**
 * One run of a study: a variant (with the sweep's value applied) on one seed and device size.
 * {@code group} names the variant and sweep point the run's seeds are pooled under.
 */
record RunSpec(int index, Variant variant, String group, long seed,
    @Nullable String sweepValue, long deviceBytes) {}
