package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A comparison study: one workload, the variants, the seeds, an optional sweep and the device
 * size. Its runs are numbered in a fixed order (sweep value, then variant, then seed), so that
 * shards, parallel runs and a serial run all mean the same run by the same number.
 */
record StudyPlan(String workload, List<Variant> variants, List<Long> seeds,
    @Nullable Sweep sweep, long deviceBytes) {

  StudyPlan {
    variants = List.copyOf(variants);
    seeds = List.copyOf(seeds);
  }

  List<RunSpec> runs() {
    List<RunSpec> out = new ArrayList<>();
    List<String> points = sweep == null ? java.util.Collections.singletonList(null)
        : sweep.values();
    for (String point : points) {
      for (Variant v : variants) {
        Variant applied = point == null ? v : sweep.apply(v, point);
        String group = point == null ? v.label() : v.label() + " @ " + sweep.label(point);
        long bytes = point == null ? deviceBytes : sweep.deviceBytes(deviceBytes, point);
        for (long seed : seeds) {
          out.add(new RunSpec(out.size(), applied, group, seed, point, bytes));
        }
      }
    }
    return out;
  }

  /** Identifies the plan in shard files, so that shards of different studies never merge. */
  String fingerprint() {
    CRC32C crc = new CRC32C();
    crc.update(toString().getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue()) + "-" + runs().size();
  }
}
