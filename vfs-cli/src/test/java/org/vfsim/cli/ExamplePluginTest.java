package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template plugin of {@code examples/worstfit-policy}, as Maven built it (the reactor builds
 * it before this module; it is kept off this test class path), loads through {@code --plugin}:
 * {@code vfsim plugins} lists its policy with the jar, and ext2ish and xfsish mount with it.
 */
class ExamplePluginTest {
  static final Path EXAMPLE = Path.of("../examples/worstfit-policy/target");

  @TempDir
  static Path work;

  static Path jar;

  /** The packaged jar; under {@code mvn test} (no package phase) a jar of its classes. */
  @BeforeAll
  static void findTheBuiltJar() throws IOException {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(EXAMPLE, "worstfit-policy-*.jar")) {
      for (Path p : jars) {
        jar = p.toAbsolutePath().normalize();
        return;
      }
    }
    Path classes = EXAMPLE.resolve("classes");
    assertTrue(Files.isRegularFile(classes.resolve("org/example/worstfit/WorstFit.class")),
        "the reactor builds examples/worstfit-policy before vfs-cli: " + classes);
    jar = TestJars.write(work.resolve("worstfit-policy-classes.jar"), classes, null, Map.of());
  }

  private static CliRun run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Vfsim.execute(args, new ByteArrayInputStream(new byte[0]), o, e, false, Map.of(),
          "");
    }
    return new CliRun(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void pluginsListsThePolicyWithItsJar() {
    CliRun r = run("--plugin", jar.toString(), "plugins");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\n  worstfit - the start of the largest free extent"), r.out());
    assertTrue(r.out().contains("    from: " + jar), r.out());
    CliRun without = run("plugins");
    assertTrue(!without.out().contains("worstfit"), "not built in: " + without.out());
  }

  @Test
  void bothBlockFilesystemsMountWithItAndCompareShowsWhereBlocksWent() {
    CliRun r = run("--plugin", jar.toString(), "compare", "--workload", "conway-intrafile",
        "--size", "32m", "--out", work.resolve("report").toString(), "--fs",
        "ext2ish:policy=worstfit", "--fs", "ext2ish", "--fs", "xfsish:policy=worstfit");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("ext2ish\\[policy=worstfit] +10 .*")),
        r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("xfsish\\[policy=worstfit] +10 .*")),
        r.out());
    CliRun unknown = run("io", "--fs", "ext2ish", "--mount", "policy=worstfit", "-f", "-c",
        "stat", "f");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("unknown allocation policy 'worstfit'"), unknown.err());
  }

  @Test
  void fsxRunsWithIt() {
    CliRun r = run("--plugin", jar.toString(), "fsx", "--fs", "xfsish", "--mount",
        "policy=worstfit", "-N", "300", "-S", "3");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("PASSED after 300 operations"), r.out());
  }
}
