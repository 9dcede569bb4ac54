package org.vfsim.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real programs on each plugin: cp -a, tar, diff -r of a source tree; SQLite and a power cut. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProgramsOnMountTest {
  /** vfs-api's sources: a real tree of a few hundred files in nested directories. */
  static final Path SOURCE_TREE = Path.of("..", "vfs-api", "src").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void cpTarAndDiffOfASourceTree(String fs) throws Exception {
    assumeTrue(Files.isDirectory(SOURCE_TREE), "no source tree at " + SOURCE_TREE);
    try (MountedPlugin p = MountedPlugin.start(fs, 128L << 20, tmp)) {
      String src = SOURCE_TREE.toString();
      Path tarball = tmp.resolve("tree.tar");
      Path back = Files.createDirectories(tmp.resolve("back"));
      Programs.Result r = Programs.sh(p.dir, 240, String.join("; ", "set -e",
          "cp -a " + src + " copy",
          "diff -r " + src + " copy",
          "mkdir untar && tar -C " + src + " -cf - . | tar -C untar -xf -",
          "diff -r " + src + " untar",
          "tar -C untar -cf " + tarball + " .",
          "tar -C " + back + " -xf " + tarball,
          "diff -r " + src + " " + back,
          "find copy -type f | wc -l"));
      assertEquals(0, r.status(), r.output());
      long files;
      try (var s = Files.walk(SOURCE_TREE)) {
        files = s.filter(Files::isRegularFile).count();
      }
      assertEquals(files, Long.parseLong(r.output().strip()), r.output());
      assertTrue(files > 50, "a tree worth copying: " + files);
      System.err.printf("cp -a, tar round trip, diff -r on %s: %d files identical%n", fs, files);
    }
  }

  /**
   * SQLite commits 100 transactions of 100 rows, then dies in the middle of another one as the
   * power is cut; after the remount the database is intact and holds exactly the committed rows
   * (checked after a host unmount and mount, too). synchronous=EXTRA: SQLite also syncs the
   * directory when it deletes the journal at a commit, without which a power cut may roll the
   * last commit back.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void sqliteSurvivesAPowerCut(String fs) throws Exception {
    assumeTrue(Programs.installed("sqlite3"), "sqlite3 is not installed (Debian package sqlite3)");
    StringBuilder sql = new StringBuilder("PRAGMA synchronous=EXTRA;\n"
        + "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);\n");
    int row = 0;
    for (int tx = 0; tx < 100; tx++) {
      sql.append("BEGIN;\n");
      for (int i = 0; i < 100; i++, row++) {
        sql.append("INSERT INTO t(id, v) VALUES(").append(row).append(", printf('%0200d', ")
            .append(row).append("));\n");
      }
      sql.append("COMMIT;\n");
    }
    // An uncommitted transaction big enough to spill into the database file, then the power
    // cut, and SQLite dies with it (kill -9 of the sqlite3 that runs .system).
    sql.append("PRAGMA cache_size=10;\nBEGIN;\n");
    for (int i = 0; i < 500; i++) {
      sql.append("INSERT INTO t(id, v) VALUES(").append(100_000 + i)
          .append(", printf('%0200d', 1));\n");
    }
    sql.append("UPDATE t SET v = 'lost' WHERE id < 5000;\n");
    sql.append(".system sh -c 'echo 1 > .vfsim/powercut; kill -9 $PPID'\n");
    sql.append("COMMIT;\n");
    Path script = tmp.resolve("load.sql");
    Files.writeString(script, sql);
    try (MountedPlugin p = MountedPlugin.start(fs, 128L << 20, tmp)) {
      Programs.Result load = Programs.sh(p.dir, 240, "sqlite3 test.db < " + script);
      // Killed by the power cut: 137 from sh for the SIGKILLed sqlite3.
      assertEquals(137, load.status(), load.output());
      assertTrue(p.read("counters").contains("power_cuts = 1"), p.read("counters"));
      p.remount();
      Programs.Result check = Programs.run(p.dir, 120, "sqlite3", "test.db",
          "PRAGMA integrity_check; SELECT count(*), sum(v = 'lost') FROM t;");
      assertEquals(0, check.status(), check.output());
      assertEquals("ok\n10000|0\n", check.output());
      System.err.printf("sqlite3 on %s: 10000 rows in 100 transactions, power cut in the 101st:"
          + " integrity_check ok, 10000 rows, uncommitted work rolled back%n", fs);
    }
  }
}
