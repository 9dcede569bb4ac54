package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;

/**
 * Runs every captured xfs_io case of {@code golden/xfs_io} through {@code vfsim io} and compares
 * standard output, standard error and exit status with what the real xfs_io printed. tmpfs cases
 * run on ramfs; ext4 and xfs cases on xfsish (the block filesystem with fallocate and unwritten
 * extents; for ext4 cases with {@code allocsize=4k}, i.e. no speculative preallocation past EOF),
 * skipped while it is a skeleton. Normalized as the golden README says: the timing
 * line, mmap addresses, and, on block filesystems, physical block numbers (the simulated
 * allocator legitimately puts blocks elsewhere); facts of the capture machine (inode numbers,
 * statfs counts, stat times and device numbers) are compared by shape.
 */
@ExtendWith(LockValidatorExtension.class)
class XfsIoGoldenTest {
  /** Cases vfsim does not reproduce, each with the reason. */
  static final Map<String, String> NOT_REPRODUCED = Map.of(
      "stat-xfs", "xfsish is not XFS: no XFS ioctls, so no fsxattr/dioattr lines",
      "statfs-xfs", "xfsish is not XFS: no XFS geometry ioctl, so no geom/counts lines",
      "file-list-xfs", "xfsish is not XFS: every simulated filesystem is 'foreign'",
      "pwrite-too-large", "depends on ext4's 16 TiB s_maxbytes, which no plugin copies",
      "falloc-too-large", "depends on ext4's 16 TiB s_maxbytes, which no plugin copies");

  /** Cases that need reflink, which only btrfsish has. */
  static final java.util.Set<String> NEED_REFLINK = java.util.Set.of("fiemap-v-shared");

  /** tmpfs cases that need fallocate, which ramfs lacks: run on xfsish instead. */
  static final java.util.Set<String> NEED_FALLOCATE =
      java.util.Set.of("falloc", "falloc-keep-size", "fpunch");

  private static final Pattern TIMING =
      Pattern.compile("(?m)^[^ \\n]+ [A-Za-z]+, [0-9]+ ops; .* \\(.* ops/sec\\)$");
  private static final Pattern ADDR = Pattern.compile("0x[0-9a-f]{9,}");
  private static final Pattern MACHINE_FACT =
      Pattern.compile("(?m)^(stat\\.ino|statfs\\.f_[a-z]+|geom\\.[a-z]+|counts\\.[a-z]+"
          + "|stat\\.[acm]time\\.tv_n?sec|stat\\.dev_m(?:aj|in)or) = (0x)?[0-9a-f]+$");
  /** A {@code stat -v} time: a ctime(3) date, the capture's wall clock or vfsim's. */
  private static final Pattern STAT_DATE = Pattern.compile("(?m)^(stat\\.[acm]time) = "
      + "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}$");
  private static final Pattern PHYSICAL = Pattern.compile("(?<=\\]:)( +)\\d+\\.\\.\\d+ *");

  @TestFactory
  Stream<DynamicTest> goldenCases() throws IOException, URISyntaxException {
    Path root = Path.of(getClass().getResource("/golden/xfs_io").toURI());
    List<Path> cases = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      s.filter(Files::isDirectory).sorted().forEach(cases::add);
    }
    return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
        () -> runCase(dir)));
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  private void runCase(Path dir) throws IOException {
    String name = dir.getFileName().toString();
    assumeFalse(NOT_REPRODUCED.containsKey(name), () -> NOT_REPRODUCED.get(name));
    String fs = read(dir.resolve("fs")).trim();
    List<String> args = new ArrayList<>(List.of("io"));
    boolean block = !fs.equals("tmpfs") || NEED_FALLOCATE.contains(name);
    args.addAll(List.of("--fs",
        NEED_REFLINK.contains(name) ? "btrfsish" : block ? "xfsish" : "ramfs"));
    if (fs.equals("xfs")) {
      args.addAll(List.of("--size", "320m"));
    } else if (fs.equals("ext4")) {
      // ext4 preallocates nothing past EOF; a 4 KiB fixed allocsize makes xfsish do the same,
      // so extent rows (not their physical numbers) must match ext4's.
      args.addAll(List.of("--mount", "allocsize=4k"));
    }
    for (String a : read(dir.resolve("cmd")).split("\n")) {
      args.add(a.replace("@FILE2@", "vfsimf2").replace("@FILE@", "vfsimf"));
    }
    String stdin = read(dir.resolve("stdin")).replace("@FILE2@", "vfsimf2")
        .replace("@FILE@", "vfsimf");
    CliRun run = CliRun.withStdin(stdin, args.toArray(String[]::new));
    if (block) {
      assumeFalse(run.err().contains("Function not implemented"),
          "the plugin is still a skeleton (ENOSYS): " + run.err().trim());
    }
    assertEquals(normalize(read(dir.resolve("stdout")), block),
        normalize(run.out(), block), name + ": stdout");
    assertEquals(read(dir.resolve("stderr")), names(run.err()), name + ": stderr");
    assertEquals(read(dir.resolve("exit")).trim(), String.valueOf(run.exit()), name + ": exit");
  }

  private static String names(String s) {
    return s.replace("vfsimf2", "@FILE2@").replace("vfsimf", "@FILE@");
  }

  static String normalize(String s, boolean block) {
    s = names(s);
    s = TIMING.matcher(s).replaceAll("XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)");
    s = ADDR.matcher(s).replaceAll("@ADDR@");
    s = MACHINE_FACT.matcher(s).replaceAll("$1 = N");
    s = STAT_DATE.matcher(s).replaceAll("$1 = DATE");
    if (block) {
      // Physical ranges and the padding that depends on their width.
      s = PHYSICAL.matcher(s).replaceAll(" P..P ");
      s = s.replaceAll("(?m)^(\\s+\\d+: \\[[0-9.]+\\]:)\\s+", "$1 ").replaceAll("(?m) +", " ");
    }
    return s;
  }
}
