package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;

/** One filesystem configuration of a comparison: a type and its mkfs and mount options. */
record Variant(String fs, String mkfsOptions, String mountOptions) {
  /** The default set: every built-in layout policy plus the two option variants that matter. */
  static final List<Variant> DEFAULTS = List.of(
      new Variant("ext2ish", "", ""),
      new Variant("xfsish", "", ""),
      new Variant("xfsish", "", "alloc=unwritten"),
      new Variant("btrfsish", "", ""),
      new Variant("btrfsish", "", "nodatacow"));

  /** {@code xfsish}, {@code xfsish[alloc=unwritten]}. */
  String label() {
    String opts = String.join(",", List.of(mkfsOptions, mountOptions).stream()
        .filter(s -> !s.isEmpty()).toList());
    return opts.isEmpty() ? fs : fs + "[" + opts + "]";
  }

  /**
   * Parses {@code --fs} values: each is {@code NAME[:MOUNTOPTS][:MKFSOPTS]}; a value without a
   * colon may list several names separated by commas ({@code ext2ish,xfsish}).
   */
  static List<Variant> parse(List<String> values) {
    List<Variant> out = new ArrayList<>();
    for (String v : values) {
      if (v.isBlank() || v.replace(",", "").isBlank()) {
        throw new CliFailure("--fs '" + v + "': no filesystem named (expected"
            + " NAME[:MOUNTOPTS][:MKFSOPTS])", 2);
      }
      if (!v.contains(":")) {
        for (String name : v.split(",")) {
          if (!name.isBlank()) {
            out.add(new Variant(name.trim(), "", ""));
          }
        }
        continue;
      }
      String[] parts = v.split(":", -1);
      if (parts.length > 3 || parts[0].isBlank()) {
        throw new CliFailure("--fs " + v + ": expected NAME[:MOUNTOPTS][:MKFSOPTS]", 2);
      }
      out.add(new Variant(parts[0].trim(), parts.length == 3 ? parts[2] : "", parts[1]));
    }
    return out;
  }
}
