package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.fs.Stat;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.Fcntl;

/**
 * {@code stat -v} and {@code stat -r} with exact values from the simulated clock (the golden
 * cases check the layout against the real xfs_io; this checks what vfsim puts in it).
 */
@ExtendWith(LockValidatorExtension.class)
class XfsIoStatTest {
  private static final long NS = 1_000_000_000L;
  /** 1 day, 1 h, 2 min, 3.5 s past boot: shown as Fri Jan  2 01:02:03 1970. */
  private static final Duration T0 = Duration.ofSeconds(86_400 + 3_723).plusMillis(500);

  private SimulatedSystem system;
  private ByteArrayOutputStream out;
  private XfsIoShell shell;

  @BeforeEach
  void boot() {
    system = SimulatedSystem.create(new RamfsType(), 0, "", "");
    out = new ByteArrayOutputStream();
    shell = new XfsIoShell(system, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private String run(String... commands) {
    out.reset();
    shell.runCommandLine(List.of(commands));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** "stat.x = v" and "stat.mode: v" lines as a map. */
  private static Map<String, String> fields(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String[] kv = line.split(line.startsWith("stat.mode:") ? ": " : " = ", 2);
      if (kv.length == 2) {
        m.put(kv[0], kv[1]);
      }
    }
    return m;
  }

  private Stat statOf(String name) {
    return system.machine().syscalls(system.machine().kernelTask())
        .stat(SimulatedSystem.pathOf(name));
  }

  @Test
  void verboseTimesAreSimulatedTimeSinceTheEpoch() {
    system.machine().clock().advance(T0);
    shell.openInitial("f", Fcntl.O_RDWR | Fcntl.O_CREAT);
    String first = run("pwrite 0 4k", "stat -v");
    assertTrue(first.contains("stat.atime = Fri Jan  2 01:02:03 1970\n"
        + "stat.mtime = Fri Jan  2 01:02:03 1970\n"
        + "stat.ctime = Fri Jan  2 01:02:03 1970\n"), first);
    // Two days and 10 s later a write moves mtime and ctime, not atime.
    system.machine().clock().advance(Duration.ofSeconds(2 * 86_400 + 10));
    String second = run("pwrite 0 1", "stat -v");
    assertTrue(second.contains("stat.atime = Fri Jan  2 01:02:03 1970\n"
        + "stat.mtime = Sun Jan  4 01:02:13 1970\n"
        + "stat.ctime = Sun Jan  4 01:02:13 1970\n"), second);
    assertTrue(second.endsWith("1970\n"), "the times end the listing: " + second);
  }

  @Test
  void rawStatIsTheStatRecordFieldByField() {
    system.machine().clock().advance(T0);
    shell.openInitial("f", Fcntl.O_RDWR | Fcntl.O_CREAT);
    run("pwrite 0 10000");
    Map<String, String> raw = fields(run("stat -r"));
    Stat st = statOf("f");
    assertEquals(List.of("stat.blksize", "stat.nlink", "stat.uid", "stat.gid", "stat.mode",
        "stat.ino", "stat.size", "stat.blocks", "stat.atime.tv_sec", "stat.atime.tv_nsec",
        "stat.ctime.tv_sec", "stat.ctime.tv_nsec", "stat.mtime.tv_sec", "stat.mtime.tv_nsec",
        "stat.rdev_major", "stat.rdev_minor", "stat.dev_major", "stat.dev_minor"),
        List.copyOf(raw.keySet()));
    assertEquals(String.valueOf(st.blksize()), raw.get("stat.blksize"));
    assertEquals("1", raw.get("stat.nlink"));
    assertEquals("0", raw.get("stat.uid"));
    assertEquals("0", raw.get("stat.gid"));
    assertEquals("0100600", raw.get("stat.mode"), "S_IFREG | 0600 in octal");
    assertEquals(String.valueOf(st.ino()), raw.get("stat.ino"));
    assertEquals("10000", raw.get("stat.size"));
    assertEquals(String.valueOf(st.blocks()), raw.get("stat.blocks"));
    long t0 = T0.toNanos();
    long now = system.machine().clock().nanoTime();
    for (String which : List.of("atime", "ctime", "mtime")) {
      long sec = Long.parseLong(raw.get("stat." + which + ".tv_sec"));
      long nsec = Long.parseLong(raw.get("stat." + which + ".tv_nsec"));
      assertTrue(nsec >= 0 && nsec < NS, which + ".tv_nsec " + nsec);
      long nanos = sec * NS + nsec;
      assertTrue(nanos >= t0 && nanos <= now, which + " " + nanos + " not in [" + t0 + ", "
          + now + "]");
      long expected = switch (which) {
        case "atime" -> st.atimeNanos();
        case "ctime" -> st.ctimeNanos();
        default -> st.mtimeNanos();
      };
      assertEquals(expected, nanos, which);
    }
    assertEquals("0", raw.get("stat.rdev_major"));
    assertEquals("0", raw.get("stat.rdev_minor"));
    assertEquals(st.dev(), makedev(Long.parseLong(raw.get("stat.dev_major")),
        Long.parseLong(raw.get("stat.dev_minor"))));
  }

  @Test
  void rawStatShowsTheModeOfACreatedFile() {
    shell.openInitial("f", Fcntl.O_RDWR | Fcntl.O_CREAT);
    String text = run("open -f -m 0640 g", "stat -r", "open -c -m 0x1a4 h", "stat -r");
    List<String> modes = text.lines().filter(l -> l.startsWith("stat.mode: ")).toList();
    // With -c, stat runs on every open file in table order: f (created 0600 by -f), g, then h.
    assertEquals(List.of("stat.mode: 0100600", "stat.mode: 0100640",
        "stat.mode: 0100600", "stat.mode: 0100640", "stat.mode: 0100644"), modes);
  }

  @Test
  void badModeIsNonNumeric() {
    shell.openInitial("f", Fcntl.O_RDWR | Fcntl.O_CREAT);
    assertEquals("non-numeric mode -- zz\n", run("open -f -m zz g"));
    assertEquals(1, shell.exitCode());
  }

  /** glibc's makedev(3) of two 32-bit numbers, the inverse of major(3)/minor(3). */
  private static long makedev(long major, long minor) {
    return ((major & 0xfff) << 8) | ((major & 0xfffff000L) << 32) | (minor & 0xff)
        | ((minor & 0xffffff00L) << 12);
  }

  @ParameterizedTest(name = "{0}:{1}")
  @CsvSource({"0, 0", "0, 2", "8, 1", "254, 0", "4095, 255", "4096, 256", "74565, 424090", "4294967295, 4294967295"})
  void devNumbersDecodeAsGlibcDoes(long major, long minor) {
    long dev = makedev(major, minor);
    assertEquals(major, XfsIoStat.devMajor(dev));
    assertEquals(minor, XfsIoStat.devMinor(dev));
  }

  // ---- the golden comparison must not hide what it is meant to compare -----------------------

  private static final String GOLDEN_RAW = """
      stat.blksize = 4096
      stat.nlink = 1
      stat.uid = 0
      stat.gid = 0
      stat.mode: 0100600
      stat.ino = 1480
      stat.size = 10000
      stat.blocks = 24
      stat.atime.tv_sec = 1795685022
      stat.atime.tv_nsec = 438553200
      stat.ctime.tv_sec = 1795685022
      stat.ctime.tv_nsec = 442924759
      stat.mtime.tv_sec = 1795685022
      stat.mtime.tv_nsec = 442924759
      stat.rdev_major = 0
      stat.rdev_minor = 0
      stat.dev_major = 0
      stat.dev_minor = 27
      stat.mtime = Thu Nov 26 09:23:42 2026
      """;

  @Test
  void goldenNormalizationMasksOnlyMachineFacts() {
    String golden = XfsIoGoldenTest.normalize(GOLDEN_RAW, false);
    // Other times, inode and device numbers: the same after normalization.
    String otherMachine = GOLDEN_RAW.replace("1795685022", "90123").replace("438553200", "0")
        .replace("= 27", "= 2").replace("1480", "257")
        .replace("Thu Nov 26 09:23:42 2026", "Fri Jan  2 01:02:03 1970");
    assertEquals(golden, XfsIoGoldenTest.normalize(otherMachine, false));
    // Deliberately broken listings: each must still differ after normalization.
    List<String> broken = List.of(
        GOLDEN_RAW.replace("stat.mode: 0100600", "stat.mode = 0100600"),
        GOLDEN_RAW.replace("0100600", "100600"),
        GOLDEN_RAW.replace("stat.ctime.tv_sec", "stat.xtime.tv_sec"),
        swapLines(GOLDEN_RAW, "stat.ctime.tv_sec", "stat.mtime.tv_sec"),
        GOLDEN_RAW.replace("stat.rdev_minor = 0", "stat.rdev_minor = 3"),
        GOLDEN_RAW.replace("stat.nlink = 1", "stat.nlink = 2"),
        GOLDEN_RAW.replace("Thu Nov 26 09:23:42 2026", "2026-11-26 09:23:42"),
        GOLDEN_RAW.replace("Thu Nov 26 09:23:42 2026", "Thu Nov 26 09:23:42 2026 UTC"),
        GOLDEN_RAW.replace("stat.atime.tv_nsec = 438553200\n", ""));
    for (String b : broken) {
      assertNotEquals(golden, XfsIoGoldenTest.normalize(b, false), b);
    }
  }

  private static String swapLines(String text, String a, String b) {
    List<String> lines = new java.util.ArrayList<>(text.lines().toList());
    int i = indexOf(lines, a);
    int j = indexOf(lines, b);
    String t = lines.get(i);
    lines.set(i, lines.get(j));
    lines.set(j, t);
    return String.join("\n", lines) + "\n";
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError(prefix);
  }
}
