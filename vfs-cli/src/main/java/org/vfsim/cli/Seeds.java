package org.vfsim.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code --seeds}: a range {@code 1..10}, a list {@code 3,7,11}, or a mix {@code 1..3,10}. */
final class Seeds {
  static final int MAX = 10_000;

  private Seeds() {}

  static List<Long> parse(String spec) {
    LinkedHashSet<Long> seeds = new LinkedHashSet<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw bad(spec, "an empty item");
      }
      int dots = p.indexOf("..");
      if (dots >= 0) {
        long from = number(spec, p.substring(0, dots));
        long to = number(spec, p.substring(dots + 2));
        if (to < from) {
          throw bad(spec, p + " runs backwards");
        }
        if (to - from >= MAX) {
          throw bad(spec, "more than " + MAX + " seeds");
        }
        for (long s = from; s <= to; s++) {
          seeds.add(s);
        }
      } else {
        seeds.add(number(spec, p));
      }
      if (seeds.size() > MAX) {
        throw bad(spec, "more than " + MAX + " seeds");
      }
    }
    return new ArrayList<>(seeds);
  }

  private static long number(String spec, String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw bad(spec, "'" + s.trim() + "' is not a whole number");
    }
  }

  private static CliFailure bad(String spec, String why) {
    return CliFailure.usage("--seeds " + spec + ": " + why
        + " (expected a range 1..10, a list 1,2,3, or both)");
  }
}
