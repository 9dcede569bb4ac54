package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin jar built outside the tree (compiled here from test resources, against vfs-api only)
 * is found through each of the three ways the command line looks for plugins, and runs in
 * {@code plugins}, {@code io}, {@code fsx} and {@code compare}.
 */
class PluginJarTest {
  @TempDir
  static Path work;

  static Path jar;

  @BeforeAll
  static void buildThePluginJar() throws IOException {
    Path src = Path.of("src/test/resources/plugin-src");
    Path classes = Files.createDirectories(work.resolve("classes"));
    List<String> sources;
    try (Stream<Path> s = Files.walk(src)) {
      sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, Stream.concat(Stream.of("-d",
        classes.toString(), "-cp", System.getProperty("java.class.path")),
        sources.stream()).toArray(String[]::new));
    assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
    jar = TestJars.write(work.resolve("hellofs-1.2.jar"), classes, "1.2",
        Map.of("META-INF/services/org.vfsim.fs.FileSystemType",
            "org.example.hellofs.HelloFsType\n"));
  }

  private static CliRun run(Map<String, String> env, String home, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Vfsim.execute(args, new ByteArrayInputStream(new byte[0]), o, e, false, env,
          home);
    }
    return new CliRun(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static void assertRunsEverywhere(Map<String, String> env, String home,
      String... pluginArgs) {
    CliRun plugins = run(env, home, concat(pluginArgs, "plugins"));
    assertEquals(0, plugins.exit(), plugins.err());
    assertTrue(plugins.out().contains("hellofs - an out-of-tree test plugin"), plugins.out());
    assertTrue(plugins.out().contains("from: " + jar.toAbsolutePath() + " (version 1.2)"),
        plugins.out());
    assertTrue(plugins.out().contains("ext2ish - ") && plugins.out().contains("from: built in"),
        plugins.out());

    CliRun io = run(env, home, concat(pluginArgs, "io", "--fs", "hellofs", "-f", "-c",
        "pwrite -q 0 8k", "-c", "stat -c %s", "f"));
    assertEquals(0, io.exit(), io.err());

    CliRun fsx = run(env, home, concat(pluginArgs, "fsx", "--fs", "hellofs", "-N", "200", "-S",
        "5", "--replay-out", work.resolve("fsx.replay").toString()));
    assertEquals(0, fsx.exit(), fsx.out() + fsx.err());
    assertTrue(fsx.out().contains("PASSED after 200 operations"), fsx.out());
    assertTrue(fsx.out().startsWith("fsx: hellofs from " + jar.toAbsolutePath()), fsx.out());

    CliRun compare = run(env, home, concat(pluginArgs, "compare", "--fs", "hellofs", "--fs",
        "ramfs", "--workload", "sequential", "--out", work.resolve("report").toString()));
    assertEquals(0, compare.exit(), compare.err());
    assertTrue(compare.out().contains("vfsim compare: hellofs from " + jar.toAbsolutePath()),
        compare.out());
    assertTrue(compare.err().contains("vfsim compare: warning: hellofs: the filesystem has no "
        + "FIEMAP, so extents and layout are unknown; those columns are left empty"),
        compare.err());
    assertTrue(compare.out().lines().anyMatch(l -> l.matches("hellofs +\\d+ +- +- +- .*")),
        compare.out());
  }

  private static String[] concat(String[] first, String... rest) {
    return Stream.concat(Stream.of(first), Stream.of(rest)).toArray(String[]::new);
  }

  @Test
  void aJarNamedWithThePluginOption() {
    assertRunsEverywhere(Map.of(), "", "--plugin", jar.toString());
  }

  @Test
  void theOptionMayStandAfterTheSubcommandToo() {
    CliRun r = run(Map.of(), "", "plugins", "--plugin=" + jar);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("hellofs"), r.out());
  }

  @Test
  void aJarOnThePluginPathVariable() {
    assertRunsEverywhere(Map.of(PluginPath.ENV, "::" + jar.getParent()), "");
  }

  @Test
  void aJarInThePluginsFolderNextToTheLauncher() throws IOException {
    Path home = Files.createDirectories(work.resolve("home"));
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    Files.copy(jar, plugins.resolve(jar.getFileName()),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    jar = plugins.resolve(jar.getFileName()); // the type now comes from this copy
    try {
      assertRunsEverywhere(Map.of(), home.toString());
    } finally {
      jar = work.resolve("hellofs-1.2.jar");
    }
  }

  @Test
  void withoutThePluginTheUnknownTypeErrorSaysHowToAddOne() {
    CliRun r = run(Map.of(), "", "io", "--fs", "hellofs", "-f", "-c", "stat", "f");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("unknown filesystem type 'hellofs'"), r.err());
    assertTrue(r.err().contains("--plugin JAR, VFSIM_PLUGIN_PATH or the plugins/ folder"),
        r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void aMissingJarIsAUsageError() {
    CliRun r = run(Map.of(), "", "--plugin", work.resolve("nope.jar").toString(), "plugins");
    assertEquals(2, r.exit());
    assertEquals("vfsim: --plugin " + work.resolve("nope.jar")
        + ": No such file or directory\n", r.err());
    CliRun env = run(Map.of(PluginPath.ENV, work.resolve("gone").toString()), "", "plugins");
    assertEquals(2, env.exit());
    assertTrue(env.err().startsWith("vfsim: VFSIM_PLUGIN_PATH entry "), env.err());
    CliRun dir = run(Map.of(), "", "--plugin", work.toString(), "plugins");
    assertEquals(2, dir.exit());
    assertTrue(dir.err().contains("Is a directory"), dir.err());
  }
}
