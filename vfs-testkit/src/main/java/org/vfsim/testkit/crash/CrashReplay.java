package org.vfsim.testkit.crash;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * A replay file read back: the filesystem and its options, the workload, the crash point and
 * the writes kept, as {@link CrashViolation#replay} writes them. Bad lines give an
 * IllegalArgumentException naming the line.
 */
public record CrashReplay(String fs, String mkfsOptions, String mountOptions, Workload workload,
    int crashAt, ImmutableList<Integer> kept) {

  public static CrashReplay parse(List<String> lines) {
    String fs = null;
    String mkfs = "";
    String mount = "";
    String name = "replay";
    List<CrashOp> setup = new ArrayList<>();
    List<CrashOp> ops = new ArrayList<>();
    Integer at = null;
    List<Integer> kept = new ArrayList<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int sp = line.indexOf(' ');
      String key = sp < 0 ? line : line.substring(0, sp);
      String rest = sp < 0 ? "" : line.substring(sp + 1).strip();
      try {
        switch (key) {
          case "fs" -> fs = rest;
          case "mkfs" -> mkfs = rest;
          case "mount" -> mount = rest;
          case "workload" -> name = rest;
          case "setup" -> setup.add(CrashOp.parse(rest));
          case "op" -> ops.add(CrashOp.parse(rest));
          case "crash-at" -> at = Integer.parseInt(rest);
          case "kept" -> {
            for (String k : rest.split(",")) {
              if (!k.isBlank()) {
                kept.add(Integer.parseInt(k.strip()));
              }
            }
          }
          default -> throw new IllegalArgumentException("unknown key '" + key + "'");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("replay file line " + n + ": " + e.getMessage());
      }
    }
    checkArgument(fs != null && !fs.isEmpty(), "replay file: no 'fs' line");
    checkArgument(at != null, "replay file: no 'crash-at' line");
    return new CrashReplay(fs, mkfs, mount, new Workload(name, setup, ops), at,
        ImmutableList.copyOf(kept));
  }
}
