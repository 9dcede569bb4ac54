package org.vfsim.cli;

import com.google.common.base.Splitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.DiskModel;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * xfs_io's command interpreter on a simulated filesystem: its command table, argument parsing,
 * messages and exit status, with the open file table in {@link XfsIoFiles}. The commands live in
 * one class per family, as xfsprogs keeps them in one file each under {@code io/}
 * ({@link XfsIoPwrite}, {@link XfsIoPread}, {@link XfsIoPrealloc}, {@link XfsIoTruncate},
 * {@link XfsIoFsync}, {@link XfsIoMmap}, {@link XfsIoFiemap}, {@link XfsIoSeek},
 * {@link XfsIoStat}, {@link XfsIoOpen}, {@link XfsIoReflink}, and vfsim's own in
 * {@link XfsIoDebug}); each registers its commands here. With {@code -c} commands, a per-file
 * command runs once for every open file in table order (as xfs_io does); commands read from
 * standard input run on the current file only.
 *
 * <p>The summary line's time is simulated: each system call costs {@link #SYSCALL_NANOS} plus
 * the service time of the device requests it caused under {@link DiskModel#SSD}, and the clock
 * is advanced by that much, so timings are deterministic and rank I/O patterns sensibly.
 */
final class XfsIoShell {
  /** Simulated CPU cost of one system call. */
  static final long SYSCALL_NANOS = 1_000;
  private static final int SECTOR = 512;
  /** Largest -b buffer: the simulated user memory and the Java heap hold it. */
  static final long MAX_BUFFER = 64L << 20;

  /** Thrown to stop the shell the way a signal stops xfs_io. */
  static final class Killed extends RuntimeException {
    final int status;

    Killed(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /**
   * One entry of xfs_io's command table ({@code cmdinfo_t}); {@code options} is the getopt(3)
   * option string the command parses, and its extended help lives in {@link XfsIoHelp}.
   */
  private record Command(String name, int argMin, int argMax, boolean oneShot, boolean noFileOk,
      String options, String usage, Consumer<List<String>> body) {}

  final SimulatedSystem system;
  final PrintStream out;
  final PrintStream err;
  /** The open file table and its current file. */
  final XfsIoFiles files = new XfsIoFiles(this);
  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final DiskModel.Timer deviceTime = DiskModel.SSD.timer();
  private final XfsIoMmap mappings;
  private Syscalls sys;
  private int exitCode;
  private boolean quit;

  XfsIoShell(SimulatedSystem system, PrintStream out, PrintStream err) {
    this.system = system;
    this.out = out;
    this.err = err;
    this.sys = newProcess();
    BlockDevice dev = system.device();
    if (dev != null) {
      dev.addListener(deviceTime);
    }
    XfsIoPwrite.register(this);
    XfsIoPread.register(this);
    XfsIoPrealloc.register(this);
    XfsIoTruncate.register(this);
    XfsIoFsync.register(this);
    mappings = XfsIoMmap.register(this);
    XfsIoFiemap.register(this);
    XfsIoSeek.register(this);
    XfsIoOpen.register(this, XfsIoStat.register(this));
    add("quit", 0, 0, true, true, "", "quit -- exit the program", argv -> quit = true);
    add("help", 0, 1, true, true, "", "help [command] -- help for one or all commands",
        this::help);
    XfsIoReflink.register(this);
    XfsIoDebug.register(this);
  }

  private Syscalls newProcess() {
    Machine m = system.machine();
    return m.syscalls(m.spawn("xfs_io").mainTask());
  }

  int exitCode() {
    return exitCode;
  }

  // ---- driving -------------------------------------------------------------------------------

  /** Opens a file named on the command line; false (after the message) if it cannot be opened. */
  boolean openInitial(String name, int flags) {
    return opened(name, () -> files.open(name, flags, 0600, false));
  }

  /** Runs {@code open}, an open of {@code name}; false after xfs_io's message if it failed. */
  boolean opened(String name, Runnable open) {
    try {
      open.run();
      return true;
    } catch (ErrnoException e) {
      err.println(name + ": " + e.errno().message());
      exitCode = 1;
      return false;
    } catch (XfsIoFiles.StatFailed e) {
      err.println("stat: " + e.cause.errno().message());
      exitCode = 1;
      return false;
    }
  }

  /** Runs {@code -c} commands: per-file commands once for each open file. */
  void runCommandLine(List<String> lines) {
    for (String line : lines) {
      if (quit) {
        break;
      }
      runLine(line, true);
    }
  }

  /**
   * Reads commands from {@code in} until EOF or {@code quit}; each acts on the current file. On a
   * terminal xfs_io prompts with {@code xfs_io> }; reading from a pipe it does not.
   */
  void runInteractive(BufferedReader in, boolean prompt) throws IOException {
    while (!quit) {
      if (prompt) {
        out.print("xfs_io> ");
        out.flush();
      }
      String line = in.readLine();
      if (line == null) {
        break;
      }
      runLine(line, false);
    }
  }

  private void runLine(String line, boolean iterate) {
    List<String> argv = Splitter.on(' ').omitEmptyStrings().splitToList(line.replace('\t', ' '));
    if (argv.isEmpty()) {
      return;
    }
    Command c = commands.get(argv.get(0));
    if (c == null) {
      err.println("command \"" + argv.get(0) + "\" not found");
      return;
    }
    if (!iterate || c.oneShot()) {
      dispatch(c, argv);
      return;
    }
    for (int i = 0; i < files.count() && !quit; i++) {
      files.select(i);
      dispatch(c, argv);
    }
  }

  private void dispatch(Command c, List<String> argv) {
    int argc = argv.size() - 1;
    if (argc < c.argMin() || (c.argMax() >= 0 && argc > c.argMax())) {
      String expected;
      if (c.argMax() < 0) {
        expected = "at least " + c.argMin();
      } else if (c.argMin() == c.argMax()) {
        expected = String.valueOf(c.argMin());
      } else {
        expected = "between " + c.argMin() + " and " + c.argMax();
      }
      err.println("bad argument count " + argc + " to " + c.name() + ", expected " + expected
          + " arguments");
      return;
    }
    if (!c.noFileOk() && !files.hasCurrent()) {
      noFiles();
      return;
    }
    try {
      c.body().accept(argv);
    } catch (Killed k) {
      throw k;
    } catch (ErrnoException e) {
      // A command that did not expect this errno: report it as perror would, never crash.
      err.println(c.name() + ": " + e.errno().message());
      exitCode = 1;
    }
  }

  /** At exit: drop mappings and close every file, as process exit does. */
  void closeAll() {
    mappings.unmapAll();
    files.closeAll();
  }

  // ---- the command table ---------------------------------------------------------------------

  /**
   * Registers a command: {@code min}/{@code max} operands (max -1: any number), {@code oneShot}
   * if it runs once rather than once per open file, {@code noFileOk} if it runs with no file.
   */
  void add(String name, int min, int max, boolean oneShot, boolean noFileOk, String options,
      String usage, Consumer<List<String>> body) {
    commands.put(name, new Command(name, min, max, oneShot, noFileOk, options, usage, body));
  }

  /** Registers a command whose body gets its options parsed; a bad option ends in usage. */
  void addParsed(String name, int min, int max, boolean oneShot, boolean noFileOk,
      String options, String usage, BiConsumer<List<String>, Getopt> body) {
    add(name, min, max, oneShot, noFileOk, options, usage, argv -> {
      Getopt g = getopt(argv);
      if (g != null) {
        body.accept(argv, g);
      }
    });
  }

  /** The getopt(3) option string of each command ("" for none), for the help tests. */
  Map<String, String> optionStrings() {
    Map<String, String> m = new LinkedHashMap<>();
    commands.values().forEach(c -> m.put(c.name(), c.options()));
    return m;
  }

  private void help(List<String> argv) {
    if (argv.size() == 2) {
      Command c = commands.get(argv.get(1));
      if (c == null) {
        // xfs_io says this on standard output and leaves the exit status alone.
        out.println("command " + argv.get(1) + " not found");
        return;
      }
      out.println(c.usage());
      String extended = XfsIoHelp.render(c.name());
      if (extended != null) {
        out.print(extended);
      }
      return;
    }
    commands.values().stream().map(Command::usage).sorted().forEach(out::println);
    out.println();
    out.println("Use 'help commandname' for extended help.");
  }

  // ---- parsing -------------------------------------------------------------------------------

  /** Parses argv against the command's own option string; null after the usage error. */
  @Nullable Getopt getopt(List<String> argv) {
    String spec = commands.get(argv.get(0)).options();
    Getopt g = Getopt.parse(argv.get(0), argv.subList(1, argv.size()), spec, err);
    if (g == null) {
      usage(argv);
    }
    return g;
  }

  /** The usage line of the command {@code argv} runs, and exit status 1. */
  void usage(List<String> argv) {
    out.println(commands.get(argv.get(0)).usage());
    exitCode = 1;
  }

  /** {@code text} as xfs_io's cvtnum reads it (suffixes, block and sector units); -1 if bad. */
  long num(String text) {
    return XfsIoNumbers.cvtnum(system.superBlock().blockSize(), SECTOR, text);
  }

  /** {@code text} as {@link #num} reads it, or null when it is not a number. */
  @Nullable Long number(String text) {
    long v = num(text);
    return v < 0 ? null : v;
  }

  /** An offset or length operand, or null after xfs_io's complaint (see {@link #numberOr}). */
  @Nullable Long numericArgument(String what, String text) {
    return numberOr(number(text), what + " argument", text);
  }

  /**
   * The numeric options of {@code g} by letter, the last of a letter winning: {@code -b bsize}
   * as cvtnum reads it, {@code -S seed} and {@code -m mode} as strtoul; null after xfs_io's
   * complaint about the first that is not a number.
   */
  @Nullable Map<Character, Long> numericOptions(Getopt g) {
    Map<Character, Long> values = new HashMap<>();
    for (Getopt.Opt o : g.options) {
      Long v = switch (o.name()) {
        case 'b' -> numberOr(number(o.arg()), "bsize", o.arg());
        case 'S' -> numberOr(XfsIoNumbers.strtoulStrict(o.arg()), "seed", o.arg());
        case 'm' -> numberOr(XfsIoNumbers.strtoulStrict(o.arg()), "mode", o.arg());
        default -> 0L; // a flag, or an option the command reads itself
      };
      if (v == null) {
        return null;
      }
      values.put(o.name(), v);
    }
    return values;
  }

  /** An {@code off len} pair of operands. */
  record Range(long offset, long length) {}

  /**
   * The command's two operands {@code off len}, or null after the usage line (not two) or
   * xfs_io's complaint (not numbers).
   */
  @Nullable Range offsetAndLength(List<String> argv, Getopt g) {
    if (g.operands.size() != 2) {
      usage(argv);
      return null;
    }
    Long offset = numericArgument("offset", g.operands.get(0));
    if (offset == null) {
      return null;
    }
    Long length = numericArgument("length", g.operands.get(1));
    return length == null ? null : new Range(offset, length);
  }

  /**
   * {@code value}, or, when it is null because {@code text} is not a number the command takes,
   * null after xfs_io's {@code non-numeric LABEL -- TEXT} (on standard output, exit status 1).
   */
  @Nullable Long numberOr(@Nullable Long value, String label, String text) {
    if (value == null) {
      out.println("non-numeric " + label + " -- " + text);
      exitCode = 1;
    }
    return value;
  }

  /** {@code index} as a table index below {@code size}, or -1 after xfs_io's complaint. */
  int tableIndex(String index, int size) {
    long n = XfsIoNumbers.cvtnum(1, 1, index);
    if (n < 0 || n >= size) {
      out.println("value " + index + " is out of range (0-" + (size - 1) + ")");
      exitCode = 1;
      return -1;
    }
    return (int) n;
  }

  // ---- system calls and output ---------------------------------------------------------------

  /** The xfs_io process's system calls (a new process after a power cut). */
  Syscalls sys() {
    return sys;
  }

  /** Charges a system call's simulated cost to the clock. */
  void charge() {
    long device = deviceTime.readNanos() + deviceTime.writeNanos();
    deviceTime.reset();
    system.machine().clock().advanceNanos(SYSCALL_NANOS + device);
  }

  long now() {
    return system.machine().clock().nanoTime();
  }

  /** Sets exit status 1: a command failed. */
  void fail() {
    exitCode = 1;
  }

  /** perror(3)'s {@code what: message}, exit status 1; false, for the caller to return. */
  boolean perror(String what, ErrnoException e) {
    err.println(what + ": " + e.errno().message());
    exitCode = 1;
    return false;
  }

  /** Runs one silent system call; on failure perror(name) and exit status 1. */
  boolean syncCall(String name, Runnable call) {
    try {
      call.run();
      return true;
    } catch (ErrnoException e) {
      return perror(name, e);
    } finally {
      charge();
    }
  }

  /** One system call of a transfer loop: bytes moved at {@code pos}, 0 at end of file. */
  interface Transfer {
    long call(long pos, int want);
  }

  /** What a transfer loop moved: bytes and system calls. */
  record Moved(long bytes, long calls) {}

  /**
   * xfs_io's loop of {@code bs}-sized calls over {@code [offset, offset + count)}, ending early
   * at a short or empty transfer; null after perror(name) when a call fails.
   */
  @Nullable Moved transfer(String name, long offset, long count, int bs, Transfer call) {
    long done = 0;
    long ops = 0;
    long pos = offset;
    long left = count;
    while (left > 0) {
      int want = (int) Math.min(left, bs);
      if (want == 0) {
        break;
      }
      long n;
      try {
        n = call.call(pos, want);
      } catch (ErrnoException e) {
        perror(name, e);
        return null;
      } finally {
        charge();
      }
      if (n == 0) {
        break;
      }
      ops++;
      done += n;
      if (n < want) {
        break;
      }
      pos += n;
      left -= n;
    }
    return new Moved(done, ops);
  }

  /** False after the message when a {@code -b} buffer is larger than vfsim allows. */
  boolean bufferFits(String command, long bsize) {
    if (bsize > MAX_BUFFER) {
      err.println(command + ": buffer of " + bsize + " bytes is larger than vfsim allows ("
          + MAX_BUFFER + ")");
      exitCode = 1;
      return false;
    }
    return true;
  }

  /** xfs_io's complaint when a command needs a file and none is open. */
  void noFiles() {
    err.println("no files are open, try 'help open'");
  }

  /**
   * After a power cut: the process is gone with its mappings and descriptors; a new one reopens
   * the files of the table.
   */
  void restartAfterPowerCut() {
    mappings.forgetAll();
    sys = newProcess();
    files.reopenAll();
  }
}
