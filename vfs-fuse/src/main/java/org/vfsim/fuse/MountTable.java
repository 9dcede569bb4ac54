package org.vfsim.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The host's mount table ({@code /proc/self/mountinfo}) and {@code PATH}, for the checks. */
final class MountTable {
  private MountTable() {}

  /** Whether {@code real} (a real path) is the mount point of some mount. */
  static boolean isMountPoint(Path real) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      return false;
    }
    String want = real.toString();
    for (String line : lines) {
      // Field 5 is the mount point, with space, tab, newline and backslash octal-escaped.
      String[] f = line.split(" ");
      if (f.length > 4 && unescape(f[4]).equals(want)) {
        return true;
      }
    }
    return false;
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
