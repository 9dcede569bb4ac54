package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.ramfs.RamfsType;

/**
 * {@code help CMD}: every command has an extended help laid out as xfs_io 6.1 lays out its own,
 * and the options it documents are exactly the options the command accepts.
 *
 * <p>The layout rules, observed on the real xfs_io 6.1 ({@code help pwrite}, {@code help mmap},
 * {@code help open}, ...): the usage line exactly as in the {@code help} listing; an empty line;
 * a one-line summary indented by one space; every further non-empty line indented by at least
 * one space; an {@code Example:} heading followed by a quoted example line; a final empty line;
 * body lines fit an 80-column terminal.
 */
@ExtendWith(LockValidatorExtension.class)
class XfsIoHelpTest {
  /** {@code  -x -- text}, {@code  -b N -- text}, {@code  -a, -l, -n N -- text}. */
  private static final Pattern OPTION_LINE =
      Pattern.compile("^ (-[A-Za-z](?: [A-Za-z]+)?(?:, -[A-Za-z](?: [A-Za-z]+)?)*) +-- ");
  private static final Pattern ONE_OPTION = Pattern.compile("-([A-Za-z])( [A-Za-z]+)?");

  private XfsIoShell shell;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeEach
  void boot() {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    shell = new XfsIoShell(SimulatedSystem.create(new RamfsType(), 0, "", ""),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String run(String command) {
    out.reset();
    err.reset();
    shell.runCommandLine(List.of(command));
    assertEquals("", err.toString(StandardCharsets.UTF_8), command);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The {@code help} listing: command name to usage line. */
  private Map<String, String> listing() {
    String text = run("help");
    assertTrue(text.endsWith("\n\nUse 'help commandname' for extended help.\n"), text);
    List<String> usages = text.substring(0, text.indexOf("\n\n")).lines().toList();
    assertEquals(usages.stream().sorted().toList(), usages, "the listing is sorted");
    Map<String, String> byName = new TreeMap<>();
    for (String u : usages) {
      byName.put(u.substring(0, u.indexOf(' ')), u);
    }
    return byName;
  }

  /** What is wrong with {@code text} as the extended help of a command listed as {@code usage}. */
  static List<String> layoutProblems(String usage, String text) {
    List<String> problems = new ArrayList<>();
    if (!text.endsWith("\n\n")) {
      problems.add("does not end with an empty line");
    }
    List<String> lines = text.lines().toList();
    if (lines.size() < 4) {
      return List.of("too short: " + lines.size() + " lines");
    }
    if (!lines.get(0).equals(usage)) {
      problems.add("first line is not the usage line: " + lines.get(0));
    }
    if (!lines.get(1).isEmpty()) {
      problems.add("second line is not empty");
    }
    if (!lines.get(2).matches(" \\S.*")) {
      problems.add("no one-space-indented summary line: " + lines.get(2));
    }
    int example = lines.indexOf(" Example:");
    if (example < 0 || example + 1 >= lines.size() || !lines.get(example + 1).startsWith(" '")) {
      problems.add("no ' Example:' heading followed by a quoted example");
    }
    for (String l : lines.subList(2, lines.size())) {
      if (!l.isEmpty() && !l.startsWith(" ")) {
        problems.add("not indented: " + l);
      }
      if (l.length() > 80) {
        problems.add("wider than 80 columns: " + l);
      }
    }
    return problems;
  }

  /**
   * The options a help text documents (letter to "takes an argument"), from its option lines.
   */
  static Map<Character, Boolean> documentedOptions(String text) {
    Map<Character, Boolean> opts = new TreeMap<>();
    for (String line : text.lines().toList()) {
      Matcher m = OPTION_LINE.matcher(line);
      if (m.find()) {
        Matcher o = ONE_OPTION.matcher(m.group(1));
        while (o.find()) {
          opts.put(o.group(1).charAt(0), o.group(2) != null);
        }
      }
    }
    return opts;
  }

  /** A getopt(3) option string as letter to "takes an argument". */
  static Map<Character, Boolean> acceptedOptions(String optstring) {
    Map<Character, Boolean> opts = new TreeMap<>();
    for (int i = 0; i < optstring.length(); i++) {
      boolean arg = i + 1 < optstring.length() && optstring.charAt(i + 1) == ':';
      opts.put(optstring.charAt(i), arg);
      if (arg) {
        i++;
      }
    }
    return opts;
  }

  @Test
  void everyCommandHasAnExtendedHelpInXfsIoLayout() {
    Map<String, String> listing = listing();
    assertEquals(shell.optionStrings().keySet(), listing.keySet(),
        "the listing names every registered command");
    for (Map.Entry<String, String> e : listing.entrySet()) {
      String text = run("help " + e.getKey());
      assertEquals(List.of(), layoutProblems(e.getValue(), text), "help " + e.getKey());
    }
    assertTrue(listing.keySet().containsAll(List.of("pwrite", "pread", "falloc", "fpunch",
        "fzero", "truncate", "fsync", "fdatasync", "mmap", "mwrite", "mread", "msync", "munmap",
        "fiemap", "seek", "stat", "statfs", "open", "file", "close", "quit", "help", "mpwrite",
        "filefrag", "counters", "lockdep", "powercut", "sync", "reflink")), listing.toString());
  }

  @Test
  void documentedOptionsAreExactlyTheAcceptedOnes() {
    for (Map.Entry<String, String> e : shell.optionStrings().entrySet()) {
      String text = run("help " + e.getKey());
      assertEquals(acceptedOptions(e.getValue()), documentedOptions(text),
          "help " + e.getKey() + " vs getopt string \"" + e.getValue() + "\"");
    }
  }

  @Test
  void anUndocumentedOptionIsRefusedAsGetoptWould() {
    // pwrite's help says xfs_io's -i is not simulated: it must be refused, not ignored.
    out.reset();
    err.reset();
    shell.runCommandLine(List.of("help pwrite"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("-i"));
    assertFalse(documentedOptions(out.toString(StandardCharsets.UTF_8)).containsKey('i'));
    assertFalse(acceptedOptions(shell.optionStrings().get("pwrite")).containsKey('i'));
  }

  @Test
  void unknownCommandIsReportedOnStandardOutputWithoutFailing() {
    assertEquals("command nosuchcmd not found\n", run("help nosuchcmd"));
    assertEquals(0, shell.exitCode());
  }

  @Test
  void stdinHelpPrintsTheSameText() {
    CliRun viaStdin = CliRun.withStdin("help seek\n", "io", "--fs", "ramfs");
    assertEquals(0, viaStdin.exit(), viaStdin.err());
    assertEquals(run("help seek"), viaStdin.out());
  }

  // ---- the checkers catch what they are meant to catch ---------------------------------------

  private static final String USAGE = "frob [-q] [-b N] off -- frobs a file";
  private static final String GOOD = USAGE + "\n\n frobs the current file\n\n Example:\n"
      + " 'frob 0' - frobs from the start\n\n Frobs it.\n -q -- quiet\n -b N -- block size\n\n";

  @Test
  void layoutCheckerAcceptsTheLayoutAndCatchesEachBreak() {
    assertEquals(List.of(), layoutProblems(USAGE, GOOD));
    List<String> broken = List.of(
        GOOD.replaceFirst("\n\n", "\n"),
        GOOD.replace(" Frobs it.", "Frobs it."),
        GOOD.substring(0, GOOD.length() - 1),
        GOOD.replace(" Frobs it.", " Frobs it." + "x".repeat(80)),
        GOOD.replace("frobs a file", "frobs files"),
        GOOD.replace(" Example:\n", ""),
        GOOD.replace(" frobs the current file", "  frobs the current file"),
        USAGE + "\n");
    for (String b : broken) {
      assertFalse(layoutProblems(USAGE, b).isEmpty(), "must be caught:\n" + b);
    }
  }

  @Test
  void optionCheckerCatchesMissingExtraAndArgumentMismatches() {
    assertEquals(acceptedOptions("qb:"), documentedOptions(GOOD));
    assertFalse(acceptedOptions("qb:x").equals(documentedOptions(GOOD)), "undocumented -x");
    assertFalse(acceptedOptions("b:").equals(documentedOptions(GOOD)), "documented, refused -q");
    assertFalse(acceptedOptions("qb").equals(documentedOptions(GOOD)), "-b takes no argument");
    assertEquals(Map.of('a', false, 'l', false, 'n', true),
        documentedOptions(" -a, -l, -n N -- several on one line\n"));
  }
}
