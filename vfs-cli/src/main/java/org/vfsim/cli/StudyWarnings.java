package org.vfsim.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Flags runs that should have done the same work and did not: at the same seed and sweep point
 * every variant runs the same workload, but a workload that stops on a condition of the
 * filesystem ("until 60% full") can write different files or bytes on each. Such numbers are
 * not comparable one for one, and the report says so.
 */
final class StudyWarnings {
  private StudyWarnings() {}

  static List<String> of(List<RunSpec> runs, List<VariantResult> results) {
    Map<String, List<Integer>> bySeedAndPoint = new LinkedHashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      RunSpec r = runs.get(i);
      // Device size changes what fits, so a size sweep compares only within one size.
      String key = "seed " + r.seed() + (r.sweepValue() == null ? "" : " at " + r.sweepValue());
      bySeedAndPoint.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    List<String> out = new ArrayList<>();
    bySeedAndPoint.forEach((key, idx) -> {
      TreeMap<String, List<String>> files = new TreeMap<>();
      TreeMap<String, List<String>> bytes = new TreeMap<>();
      for (int i : idx) {
        VariantResult r = results.get(i);
        if (r.ok()) {
          files.computeIfAbsent(String.valueOf(r.files().size()), k -> new ArrayList<>())
              .add(r.variant().label());
          bytes.computeIfAbsent(String.valueOf(r.appBytesWritten()), k -> new ArrayList<>())
              .add(r.variant().label());
        }
      }
      if (files.size() > 1) {
        out.add("the variants ran different workloads at " + key + ": files " + describe(files));
      } else if (bytes.size() > 1) {
        out.add("the variants ran different workloads at " + key + ": bytes written "
            + describe(bytes));
      }
    });
    return out.stream().filter(Objects::nonNull).toList();
  }

  private static String describe(TreeMap<String, List<String>> groups) {
    List<String> parts = new ArrayList<>();
    groups.forEach((value, labels) -> parts.add(value + " (" + String.join(", ", labels) + ")"));
    return String.join(" vs ", parts);
  }
}
