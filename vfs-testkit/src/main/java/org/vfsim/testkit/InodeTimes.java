package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.fs.Stat;

/**
 * Compares the three inode timestamps of two {@link Stat}s: what a plugin's durability tests
 * check after a power cut or remount (the on-disk inode must give back i_atime, i_mtime and
 * i_ctime, at the filesystem's {@code s_time_gran}).
 */
public final class InodeTimes {
  private InodeTimes() {}

  /** Which of atime, mtime and ctime differ, each as "mtime EXPECTED != ACTUAL"; empty if none. */
  public static List<String> mismatches(Stat expected, Stat actual) {
    List<String> out = new ArrayList<>();
    compare(out, "atime", expected.atimeNanos(), actual.atimeNanos());
    compare(out, "mtime", expected.mtimeNanos(), actual.mtimeNanos());
    compare(out, "ctime", expected.ctimeNanos(), actual.ctimeNanos());
    return out;
  }

  /** Fails with every differing time named when {@code actual} does not carry the same times. */
  public static void assertSame(Stat expected, Stat actual, String what) {
    List<String> m = mismatches(expected, actual);
    assertTrue(m.isEmpty(), () -> what + ": " + m);
  }

  private static void compare(List<String> out, String name, long expected, long actual) {
    if (expected != actual) {
      out.add(name + " " + expected + " != " + actual);
    }
  }
}
