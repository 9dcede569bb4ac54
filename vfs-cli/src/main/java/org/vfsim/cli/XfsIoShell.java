package org.vfsim.cli;

import com.google.common.base.Splitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.DeviceCounters;
import org.vfsim.block.DiskModel;
import org.vfsim.cli.io.ExtentRow;
import org.vfsim.cli.io.FiemapTable;
import org.vfsim.cli.io.FilefragReport;
import org.vfsim.cli.io.HexDump;
import org.vfsim.cli.io.StatTimes;
import org.vfsim.cli.io.TransferReport;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.OpenFile;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.Vfs;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.PageCacheStats;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * xfs_io's command interpreter on a simulated filesystem: its file table and "current file",
 * its mapping table and "current mapping", its commands with their options, messages and exit
 * status. With {@code -c} commands, a per-file command runs once for every open file in table
 * order (as xfs_io does); commands read from standard input run on the current file only.
 *
 * <p>The summary line's time is simulated: each system call costs {@link #SYSCALL_NANOS} plus
 * the service time of the device requests it caused under {@link DiskModel#SSD}, and the clock
 * is advanced by that much, so timings are deterministic and rank I/O patterns sensibly.
 */
final class XfsIoShell {
  /** Simulated CPU cost of one system call. */
  static final long SYSCALL_NANOS = 1_000;
  static final byte DEFAULT_PWRITE_SEED = (byte) 0xcd;
  static final byte DEFAULT_MWRITE_SEED = 'X';
  private static final int SECTOR = 512;
  /** Largest -b buffer: the simulated user memory and the Java heap hold it. */
  static final long MAX_BUFFER = 64L << 20;
  private static final long ST_VALID = 0x20;
  private static final long ST_RELATIME = 0x1000;

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

  /** One open file of the table ({@code fileio_t}). */
  private static final class FileEntry {
    final String name;
    int fd;
    final int flags;
    final boolean pathOnly;

    FileEntry(String name, int fd, int flags, boolean pathOnly) {
      this.name = name;
      this.fd = fd;
      this.flags = flags;
      this.pathOnly = pathOnly;
    }
  }

  /** One mapping of the table ({@code mmap_region_t}). */
  private record MapEntry(long addr, long length, long offset, int prot, String name) {}

  private final SimulatedSystem system;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final List<FileEntry> files = new ArrayList<>();
  private final List<MapEntry> maps = new ArrayList<>();
  private final DiskModel.Timer deviceTime = DiskModel.SSD.timer();
  private Syscalls sys;
  private int current = -1;
  private int currentMap = -1;
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
    register();
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
    try {
      addFile(name, flags, 0600, false);
      return true;
    } catch (ErrnoException e) {
      err.println(name + ": " + e.errno().message());
      exitCode = 1;
      return false;
    } catch (StatFailed e) {
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
    for (int i = 0; i < files.size() && !quit; i++) {
      current = i;
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
    if (!c.noFileOk() && current < 0) {
      err.println("no files are open, try 'help open'");
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
    for (MapEntry m : List.copyOf(maps)) {
      sys.munmap(m.addr(), m.length());
    }
    maps.clear();
    for (FileEntry f : List.copyOf(files)) {
      sys.close(f.fd);
    }
    files.clear();
    current = -1;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private FileEntry file() {
    return files.get(current);
  }

  private int fd() {
    FileEntry f = file();
    if (f.pathOnly) {
      throw Errno.EBADF.exception("O_PATH descriptor");
    }
    return f.fd;
  }

  private long blockSize() {
    return system.superBlock().blockSize();
  }

  private long num(String s) {
    return XfsIoNumbers.cvtnum(blockSize(), SECTOR, s);
  }

  /** {@code text} as {@link #num} reads it, or null when it is not a number. */
  private @Nullable Long number(String text) {
    long v = num(text);
    return v < 0 ? null : v;
  }

  /** An offset or length operand, or null after xfs_io's complaint (see {@link #numberOr}). */
  private @Nullable Long numericArgument(String what, String text) {
    return numberOr(number(text), what + " argument", text);
  }

  /**
   * {@code value}, or, when it is null because {@code text} is not a number the command takes,
   * null after xfs_io's {@code non-numeric LABEL -- TEXT} (on standard output, exit status 1).
   */
  private @Nullable Long numberOr(@Nullable Long value, String label, String text) {
    if (value == null) {
      out.println("non-numeric " + label + " -- " + text);
      exitCode = 1;
    }
    return value;
  }

  /** Charges a system call's simulated cost to the clock. */
  private void charge() {
    long device = deviceTime.readNanos() + deviceTime.writeNanos();
    deviceTime.reset();
    system.machine().clock().advanceNanos(SYSCALL_NANOS + device);
  }

  private long now() {
    return system.machine().clock().nanoTime();
  }

  private boolean perror(String what, ErrnoException e) {
    err.println(what + ": " + e.errno().message());
    exitCode = 1;
    return false;
  }

  private void usage(Command c) {
    out.println(c.usage());
    exitCode = 1;
  }

  /** Parses argv against the command's own option string; null after the usage error. */
  private Getopt getopt(List<String> argv) {
    String spec = commands.get(argv.get(0)).options();
    Getopt g = Getopt.parse(argv.get(0), argv.subList(1, argv.size()), spec, err);
    if (g == null) {
      usage(commands.get(argv.get(0)));
    }
    return g;
  }

  /** xfs_io stats the path before opening it; a failure other than ENOENT is reported so. */
  private static final class StatFailed extends RuntimeException {
    final ErrnoException cause;

    StatFailed(ErrnoException cause) {
      super(null, null, false, false);
      this.cause = cause;
    }
  }

  private void addFile(String name, int flags, int mode, boolean pathOnly) {
    String path = SimulatedSystem.pathOf(name);
    try {
      sys.stat(path);
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ENOENT) {
        throw new StatFailed(e);
      }
    }
    int f = pathOnly ? OpenFile.O_RDONLY : flags;
    int fd;
    try {
      fd = sys.open(path, f, mode);
    } catch (ErrnoException e) {
      // As xfs_io's openfile(): a directory asked for read-write is opened read-only instead.
      if (e.errno() != Errno.EISDIR || (f & OpenFile.O_ACCMODE) != OpenFile.O_RDWR) {
        throw e;
      }
      fd = sys.open(path, f & ~(OpenFile.O_ACCMODE | OpenFile.O_TRUNC), mode);
    }
    files.add(new FileEntry(name, fd, flags, pathOnly));
    current = files.size() - 1;
  }

  private static String flagWords(int flags) {
    boolean sync = (flags & OpenFile.O_SYNC) == OpenFile.O_SYNC;
    return (sync ? "sync" : "non-sync") + ",non-direct,"
        + ((flags & OpenFile.O_ACCMODE) == OpenFile.O_RDONLY ? "read-only" : "read-write")
        + ((flags & OpenFile.O_APPEND) != 0 ? ",append-only" : "");
  }

  private void listFiles() {
    for (int i = 0; i < files.size(); i++) {
      FileEntry f = files.get(i);
      out.printf("%c%03d%c %-14s (foreign,%s)%n", i == current ? '[' : ' ', i,
          i == current ? ']' : ' ', f.name, flagWords(f.flags));
    }
  }

  private void listMaps() {
    for (int i = 0; i < maps.size(); i++) {
      MapEntry m = maps.get(i);
      String prot = ((m.prot() & Mm.PROT_READ) != 0 ? "r" : "-")
          + ((m.prot() & Mm.PROT_WRITE) != 0 ? "w" : "-")
          + ((m.prot() & Mm.PROT_EXEC) != 0 ? "x" : "-");
      out.printf("%c%03d%c 0x%x - 0x%x %s  %14s (%d : %d)%n", i == currentMap ? '[' : ' ', i,
          i == currentMap ? ']' : ' ', m.addr(), m.addr() + m.length(), prot, m.name(),
          m.offset(), m.length());
    }
  }

  private boolean requireMapping() {
    if (maps.isEmpty()) {
      err.println("no mapped regions, try 'help mmap'");
      return false;
    }
    return true;
  }

  private static byte[] filled(int n, byte seed) {
    byte[] b = new byte[n];
    Arrays.fill(b, seed);
    return b;
  }

  // ---- the command table ---------------------------------------------------------------------

  private void add(String name, int min, int max, boolean oneShot, boolean noFileOk,
      String options, String usage, Consumer<List<String>> body) {
    commands.put(name, new Command(name, min, max, oneShot, noFileOk, options, usage, body));
  }

  private void register() {
    add("pwrite", 2, -1, false, false, "b:S:wWq", "pwrite [-i infile [-qdDwNOW] [-s skip]] [-b bs]"
        + " [-S seed] [-FBR [-Z N]] [-V N] off len -- writes a number of bytes at a specified"
        + " offset", this::pwrite);
    add("pread", 2, -1, false, false, "b:vq", "pread [-b bs] [-qv] [-i N] [-FBR [-Z N]] off len"
        + " -- reads a number of bytes at a specified offset", this::pread);
    add("falloc", 2, -1, false, false, "ckpu", "falloc [-c] [-k] [-p] [-u] off len -- allocates"
        + " space associated with part of a file via fallocate", argv -> fallocate(argv, 0, true));
    add("fpunch", 2, 2, false, false, "", "fpunch off len -- de-allocates space associated with"
        + " part of a file via fallocate", argv -> fallocate(argv,
            FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, true));
    add("fzero", 2, 3, false, false, "k", "fzero [-k] off len -- zeroes space and eliminates holes"
        + " by preallocating", argv -> fallocate(argv, FallocMode.ZERO_RANGE, false));
    add("truncate", 1, 1, false, false, "", "truncate off -- truncates the current file at the"
        + " given offset", this::truncate);
    add("fsync", 0, 0, false, false, "", "fsync -- calls fsync(2) to flush all in-core file state"
        + " to disk", argv -> syncCall("fsync", () -> sys.fsync(fd())));
    add("fdatasync", 0, 0, false, false, "", "fdatasync -- calls fdatasync(2) to flush the files"
        + " in-core data to disk", argv -> syncCall("fdatasync", () -> sys.fdatasync(fd())));
    add("sync", 0, 0, true, true, "", "sync -- calls sync(2) to flush all in-core filesystem state"
        + " to disk", argv -> syncCall("sync", () -> sys.sync()));
    add("mmap", 0, -1, true, false, "rwxSs:", "mmap [N] | [-rwxS] [-s size] [off len] -- mmap a"
        + " range in the current file, show mappings", this::mmap);
    add("mread", 0, -1, false, false, "frv", "mread [-r] [off len] -- reads data from a region in"
        + " the current memory mapping", this::mread);
    add("mwrite", 0, -1, false, false, "rS:", "mwrite [-r] [-S seed] [off len] -- writes data into"
        + " a region in the current memory mapping", this::mwrite);
    add("msync", 0, -1, false, false, "ais", "msync [-ais] [off len] -- flush a region in the"
        + " current memory mapping", this::msync);
    add("munmap", 0, 0, false, false, "", "munmap -- unmaps the current memory mapping",
        this::munmap);
    add("fiemap", 0, -1, false, false, "alvn:", "fiemap [-alv] [-n nx] [offset [len]] -- print"
        + " block mapping for a file", this::fiemap);
    add("seek", 2, 5, false, false, "adhrs", "seek -a | -d | -h [-r] off -- locate the next data"
        + " and/or hole", this::seek);
    add("stat", 0, 1, false, false, "rv", "stat [-v|-r] -- statistics on the currently open file",
        this::stat);
    add("statfs", 0, -1, false, false, "cgs", "statfs [-c] [-g] [-s] -- statistics on the"
        + " filesystem of the currently open file", this::statfs);
    add("open", 0, -1, true, true, "acdfrstxRTPLm:", "open [-acdrstxRTPL] [-m mode] [path] -- open"
        + " the file specified by path", this::open);
    add("file", 0, 1, true, true, "", "file [N] -- set the current file", this::fileCmd);
    add("close", 0, 0, true, true, "", "close -- close the current open file", argv -> close());
    add("quit", 0, 0, true, true, "", "quit -- exit the program", argv -> quit = true);
    add("help", 0, 1, true, true, "", "help [command] -- help for one or all commands",
        this::help);
    add("reflink", 1, 4, false, false, "Cq", "reflink infile [src_off dst_off len] -- reflinks an"
        + " entire file, or a number of bytes at a specified offset", this::reflink);
    // vfsim's own commands: what xfs_io cannot show on a real kernel.
    add("mpwrite", 3, 3, false, false, "", "mpwrite off len mapoff -- pwrite whose source buffer"
        + " is the current mapping at mapoff (the write-fault deadlock case)", this::mpwrite);
    add("filefrag", 0, 0, false, false, "", "filefrag -- the extent list as filefrag -v prints it",
        argv -> filefrag());
    add("counters", 0, 0, true, true, "", "counters -- allocator, page cache and device counters",
        argv -> counters());
    add("lockdep", 0, 0, true, true, "", "lockdep -- the lock validator's reports so far",
        argv -> lockdep());
    add("powercut", 0, 0, true, true, "", "powercut -- cut the power, remount, reopen the open"
        + " files", argv -> powercut());
  }

  /** The getopt(3) option string of each command ("" for none), for the help tests. */
  Map<String, String> optionStrings() {
    Map<String, String> m = new LinkedHashMap<>();
    commands.values().forEach(c -> m.put(c.name(), c.options()));
    return m;
  }

  // ---- commands ------------------------------------------------------------------------------

  private void pwrite(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    long bsize = 4096;
    byte seed = DEFAULT_PWRITE_SEED;
    for (Getopt.Opt o : g.options) {
      if (o.name() == 'b') {
        Long b = numberOr(number(o.arg()), "bsize", o.arg());
        if (b == null) {
          return;
        }
        bsize = b;
      } else if (o.name() == 'S') {
        Long s = numberOr(XfsIoNumbers.strtoulStrict(o.arg()), "seed", o.arg());
        if (s == null) {
          return;
        }
        seed = (byte) s.longValue();
      }
    }
    if (g.operands.size() != 2) {
      usage(commands.get("pwrite"));
      return;
    }
    Long offsetArg = numericArgument("offset", g.operands.get(0));
    if (offsetArg == null) {
      return;
    }
    long offset = offsetArg;
    Long countArg = numericArgument("length", g.operands.get(1));
    if (countArg == null) {
      return;
    }
    long count = countArg;
    if (bsize > MAX_BUFFER) {
      err.println(argv.get(0) + ": buffer of " + bsize + " bytes is larger than vfsim allows ("
          + MAX_BUFFER + ")");
      exitCode = 1;
      return;
    }
    int bs = (int) bsize;
    // The user buffer: no write is longer than min(bsize, len), so no more is filled.
    int bufLen = (int) Math.min(bs, count);
    long buf = bufLen > 0 ? sys.mmapAnonymous(bufLen) : 0;
    try {
      if (bufLen > 0) {
        sys.store(buf, filled(bufLen, seed));
      }
      long start = now();
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
          n = sys.pwrite(fd(), buf, want, pos);
        } catch (ErrnoException e) {
          perror("pwrite", e);
          return;
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
      if (g.has('w') && !syncCall("fdatasync", () -> sys.fdatasync(fd()))) {
        return;
      }
      if (g.has('W') && !syncCall("fsync", () -> sys.fsync(fd()))) {
        return;
      }
      if (!g.has('q')) {
        // xfs_io's pwrite never measures less than 1 us (its buffer setup is timed), so a write
        // of nothing (-b 0, or length 0) reports rates of 0, not pread's -nan over 0 s.
        long elapsed = Math.max(now() - start, 1_000);
        out.print(new TransferReport("wrote", offset, count, done, ops, elapsed).render());
      }
    } finally {
      if (bufLen > 0) {
        sys.munmap(buf, bufLen);
      }
    }
  }

  private void pread(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    long bsize = 4096;
    for (Getopt.Opt o : g.options) {
      if (o.name() == 'b') {
        Long b = numberOr(number(o.arg()), "bsize", o.arg());
        if (b == null) {
          return;
        }
        bsize = b;
      }
    }
    if (g.operands.size() != 2) {
      usage(commands.get("pread"));
      return;
    }
    // As in xfs_io, garbage parses as -1 and reaches the system call (offset) or reads to EOF.
    long offset = num(g.operands.get(0));
    long count = num(g.operands.get(1));
    if (count < 0) {
      count = Math.max(0, sys.fstat(file().fd).size() - Math.max(offset, 0));
    }
    if (bsize > MAX_BUFFER) {
      err.println(argv.get(0) + ": buffer of " + bsize + " bytes is larger than vfsim allows ("
          + MAX_BUFFER + ")");
      exitCode = 1;
      return;
    }
    int bs = (int) bsize;
    long start = now();
    long done = 0;
    long ops = 0;
    long pos = offset;
    long left = count;
    while (left > 0) {
      int want = (int) Math.min(left, bs);
      if (want == 0) {
        break;
      }
      byte[] got;
      try {
        if (pos < 0) {
          throw Errno.EINVAL.exception("negative offset");
        }
        got = sys.preadBytes(fd(), want, pos);
      } catch (ErrnoException e) {
        perror("pread", e);
        return;
      } finally {
        charge();
      }
      if (got.length == 0) {
        break;
      }
      ops++;
      if (g.has('v')) {
        out.print(HexDump.format(pos, got));
      }
      done += got.length;
      if (got.length < want) {
        break;
      }
      pos += got.length;
      left -= got.length;
    }
    if (!g.has('q')) {
      out.print(new TransferReport("read", offset, count, done, ops, now() - start).render());
    }
  }

  /** Parses {@code off len} and calls fallocate; xfs_io reports failures as "fallocate". */
  private void fallocate(List<String> argv, int mode, boolean setsExit) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    mode |= g.bits(Map.of('k', FallocMode.KEEP_SIZE,
        'p', FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE,
        'c', FallocMode.COLLAPSE_RANGE, 'u', FallocMode.UNSHARE_RANGE));
    if (g.operands.size() != 2) {
      usage(commands.get(argv.get(0)));
      return;
    }
    Long offsetArg = numericArgument("offset", g.operands.get(0));
    if (offsetArg == null) {
      return;
    }
    long offset = offsetArg;
    Long lenArg = numericArgument("length", g.operands.get(1));
    if (lenArg == null) {
      return;
    }
    long len = lenArg;
    try {
      sys.fallocate(fd(), mode, offset, len);
    } catch (ErrnoException e) {
      err.println("fallocate: " + e.errno().message());
      // xfs_io 6.1 sets the exit status for falloc and fpunch failures but not for fzero.
      if (setsExit) {
        exitCode = 1;
      }
    } finally {
      charge();
    }
  }

  private void truncate(List<String> argv) {
    Long sizeArg = numericArgument("truncate", argv.get(1));
    if (sizeArg == null) {
      return;
    }
    long size = sizeArg;
    syncCall("ftruncate", () -> sys.ftruncate(fd(), size));
  }

  /** Runs one silent system call; on failure perror(name) and exit status 1. */
  private boolean syncCall(String name, Runnable call) {
    try {
      call.run();
      return true;
    } catch (ErrnoException e) {
      return perror(name, e);
    } finally {
      charge();
    }
  }

  private void stat(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    // xfs_io 6.1 ignores an operand, and -r (the raw struct stat) wins over -v.
    if (g.has('r')) {
      rawStat();
    } else {
      stat(g.has('v'));
    }
  }

  /** The plain listing; {@code verbose} adds the three times as ctime(3) dates. */
  private void stat(boolean verbose) {
    FileEntry f = file();
    Stat st;
    try {
      st = sys.fstat(f.fd);
    } catch (ErrnoException e) {
      perror("fstat", e);
      return;
    }
    out.println("fd.path = \"" + f.name + "\"");
    out.println("fd.flags = " + flagWords(f.flags));
    out.println("stat.ino = " + st.ino());
    out.println("stat.type = " + switch (st.type()) {
      case REGULAR -> "regular file";
      case DIRECTORY -> "directory";
      default -> st.type().name().toLowerCase(java.util.Locale.ROOT);
    });
    out.println("stat.size = " + st.size());
    out.println("stat.blocks = " + st.blocks());
    if (verbose) {
      out.println("stat.atime = " + StatTimes.ctime(st.atimeNanos()));
      out.println("stat.mtime = " + StatTimes.ctime(st.mtimeNanos()));
      out.println("stat.ctime = " + StatTimes.ctime(st.ctimeNanos()));
    }
  }

  /**
   * {@code stat -r}: struct stat field by field in xfs_io 6.1's order (ctime before mtime).
   * Simulated files are regular files and directories, so st_rdev is 0; st_dev is decoded as
   * glibc's major()/minor() decode a dev_t.
   */
  private void rawStat() {
    Stat st;
    try {
      st = sys.fstat(file().fd);
    } catch (ErrnoException e) {
      perror("fstat", e);
      return;
    }
    out.println("stat.blksize = " + st.blksize());
    out.println("stat.nlink = " + st.nlink());
    out.println("stat.uid = " + st.uid());
    out.println("stat.gid = " + st.gid());
    int mode = st.type().modeBits() | st.mode();
    out.println("stat.mode: " + (mode == 0 ? "0" : "0" + Integer.toOctalString(mode)));
    out.println("stat.ino = " + st.ino());
    out.println("stat.size = " + st.size());
    out.println("stat.blocks = " + st.blocks());
    printTimespec("atime", st.atimeNanos());
    printTimespec("ctime", st.ctimeNanos());
    printTimespec("mtime", st.mtimeNanos());
    out.println("stat.rdev_major = 0");
    out.println("stat.rdev_minor = 0");
    out.println("stat.dev_major = " + devMajor(st.dev()));
    out.println("stat.dev_minor = " + devMinor(st.dev()));
  }

  private void printTimespec(String which, long nanos) {
    out.println("stat." + which + ".tv_sec = " + StatTimes.seconds(nanos));
    out.println("stat." + which + ".tv_nsec = " + StatTimes.nanoseconds(nanos));
  }

  /** glibc's {@code major(3)}: bits 8-19 and 44-63 of a dev_t, a 32-bit number. */
  static long devMajor(long dev) {
    return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
  }

  /** glibc's {@code minor(3)}: bits 0-7 and 20-43 of a dev_t, a 32-bit number. */
  static long devMinor(long dev) {
    return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
  }

  /**
   * statfs: -s prints statfs(2), -c and -g the XFS counts and geometry, which a foreign
   * filesystem does not have; no option means all of them.
   */
  private void statfs(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    FileEntry f = file();
    if (!g.options.isEmpty() && !g.has('s')) {
      out.println("fd.path = \"" + f.name + "\"");
      return;
    }
    StatFs s;
    try {
      s = sys.fstatfs(f.fd);
    } catch (ErrnoException e) {
      perror("fstatfs", e);
      return;
    }
    out.println("fd.path = \"" + f.name + "\"");
    out.println("statfs.f_bsize = " + s.bsize());
    out.println("statfs.f_blocks = " + s.blocks());
    out.println("statfs.f_bavail = " + s.bavail());
    out.println("statfs.f_files = " + s.files());
    out.println("statfs.f_ffree = " + s.ffree());
    out.printf("statfs.f_flags = 0x%x%n", ST_RELATIME | ST_VALID);
  }

  private void open(List<String> argv) {
    if (argv.size() == 1) {
      if (current < 0) {
        err.println("no files are open, try 'help open'");
        return;
      }
      stat(false);
      return;
    }
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    if (g.operands.size() != 1) {
      usage(commands.get("open"));
      return;
    }
    int mode = 0600;
    for (Getopt.Opt o : g.options) {
      if (o.name() == 'm') {
        Long m = numberOr(XfsIoNumbers.strtoulStrict(o.arg()), "mode", o.arg());
        if (m == null) {
          return;
        }
        mode = (int) (m & 07777);
      }
    }
    int flags = (g.has('r') ? OpenFile.O_RDONLY : OpenFile.O_RDWR)
        | g.bits(Map.of('c', OpenFile.O_CREAT, 'f', OpenFile.O_CREAT, 't', OpenFile.O_TRUNC,
            'a', OpenFile.O_APPEND, 's', OpenFile.O_SYNC));
    String name = g.operands.get(0);
    try {
      if (g.has('d')) {
        // open(2) refuses O_DIRECT where the filesystem has no direct_IO; none is simulated.
        throw Errno.EINVAL.exception("O_DIRECT is not simulated");
      }
      if (g.has('T')) {
        // O_TMPFILE on a filesystem without ->tmpfile.
        throw Errno.EOPNOTSUPP.exception("O_TMPFILE is not simulated");
      }
      addFile(name, flags, mode, g.has('P'));
    } catch (ErrnoException e) {
      err.println(name + ": " + e.errno().message());
      exitCode = 1;
    } catch (StatFailed e) {
      err.println("stat: " + e.cause.errno().message());
      exitCode = 1;
    } finally {
      charge();
    }
  }

  private void fileCmd(List<String> argv) {
    if (argv.size() == 2) {
      long n = XfsIoNumbers.cvtnum(1, 1, argv.get(1));
      if (n < 0 || n >= files.size()) {
        out.println("value " + argv.get(1) + " is out of range (0-" + (files.size() - 1) + ")");
        exitCode = 1;
        return;
      }
      current = (int) n;
    }
    if (files.isEmpty()) {
      err.println("no files are open, try 'help open'");
      return;
    }
    listFiles();
  }

  private void close() {
    if (current < 0) {
      err.println("no files are open, try 'help open'");
      return;
    }
    FileEntry f = files.remove(current);
    try {
      sys.close(f.fd);
    } catch (ErrnoException e) {
      perror("close", e);
    } finally {
      charge();
    }
    // The file that moved into the closed one's slot becomes current, or the new last one.
    current = Math.min(current, files.size() - 1);
    listFiles();
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

  private void mmap(List<String> argv) {
    if (argv.size() == 1) {
      if (maps.isEmpty()) {
        err.println("no mapped regions, try 'help mmap'");
        exitCode = 1;
        return;
      }
      listMaps();
      return;
    }
    if (argv.size() == 2 && !argv.get(1).startsWith("-")) {
      long n = XfsIoNumbers.cvtnum(1, 1, argv.get(1));
      if (n < 0 || n >= maps.size()) {
        out.println("value " + argv.get(1) + " is out of range (0-" + (maps.size() - 1) + ")");
        exitCode = 1;
        return;
      }
      currentMap = (int) n;
      listMaps();
      return;
    }
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    if (g.operands.size() != 2) {
      usage(commands.get("mmap"));
      return;
    }
    int prot = g.bits(Map.of('r', Mm.PROT_READ, 'w', Mm.PROT_WRITE, 'x', Mm.PROT_EXEC));
    if (prot == 0) {
      prot = Mm.PROT_READ | Mm.PROT_WRITE | Mm.PROT_EXEC;
    }
    Long offsetArg = numericArgument("offset", g.operands.get(0));
    if (offsetArg == null) {
      return;
    }
    long offset = offsetArg;
    Long lengthArg = numericArgument("length", g.operands.get(1));
    if (lengthArg == null) {
      return;
    }
    long length = lengthArg;
    if (current < 0) {
      err.println("no files are open, try 'help open'");
      return;
    }
    try {
      if (g.has('S')) {
        // MAP_SHARED_VALIDATE|MAP_SYNC needs DAX, which no simulated filesystem has.
        throw Errno.EOPNOTSUPP.exception("MAP_SYNC without DAX");
      }
      int flags = Mm.MAP_SHARED;
      long addr = sys.mmap(0, length, prot, flags, fd(), offset);
      maps.add(new MapEntry(addr, length, offset, prot, file().name));
      currentMap = maps.size() - 1;
    } catch (ErrnoException e) {
      perror("mmap", e);
    } finally {
      charge();
    }
  }

  /** The mapping-relative range [off, off+len) of mread/mwrite/msync, or null after a message. */
  private long[] mapRange(Getopt g) {
    MapEntry m = maps.get(currentMap);
    long offset = m.offset();
    long length = m.length();
    if (g.operands.size() >= 1) {
      Long offsetArg = numericArgument("offset", g.operands.get(0));
      if (offsetArg == null) {
        return null;
      }
      offset = offsetArg;
      length = m.length() - Math.max(0, offset - m.offset());
    }
    if (g.operands.size() >= 2) {
      Long lengthArg = numericArgument("length", g.operands.get(1));
      if (lengthArg == null) {
        return null;
      }
      length = lengthArg;
    }
    if (offset < m.offset()) {
      out.println("offset (" + offset + ") is before start of mapping (" + m.offset() + ")");
      exitCode = 1;
      return null;
    }
    long rel = offset - m.offset();
    if (rel > m.length()) {
      out.println("offset (" + rel + ") is beyond end of mapping (" + m.offset() + ")");
      exitCode = 1;
      return null;
    }
    if (rel + length > m.length()) {
      out.println("range (" + rel + ":" + length + ") is beyond mapping (" + m.offset() + ":"
          + m.length() + ")");
      exitCode = 1;
      return null;
    }
    return new long[] {rel, length};
  }

  /** A user access the kernel answers with SIGBUS/SIGSEGV: the process dies, as xfs_io would. */
  private Killed killed(ErrnoException e) {
    // Past EOF of a file mapping the fault handler raises SIGBUS, which kills xfs_io (128 + 7).
    err.println("Bus error");
    return new Killed(135);
  }

  private void mread(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    long[] r = mapRange(g);
    if (r == null) {
      return;
    }
    MapEntry m = maps.get(currentMap);
    byte[] data;
    try {
      data = sys.load(m.addr() + r[0], (int) r[1]);
    } catch (ErrnoException e) {
      throw killed(e);
    } finally {
      charge();
    }
    // -v dumps labelled from the mapping's start, -f from the file's.
    if (g.has('v') || g.has('f')) {
      out.print(HexDump.format(g.has('f') ? m.offset() + r[0] : r[0], data));
    }
  }

  private void mwrite(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    byte seed = DEFAULT_MWRITE_SEED;
    for (Getopt.Opt o : g.options) {
      if (o.name() == 'S') {
        Long s = numberOr(XfsIoNumbers.strtoulStrict(o.arg()), "seed", o.arg());
        if (s == null) {
          return;
        }
        seed = (byte) s.longValue();
      }
    }
    long[] r = mapRange(g);
    if (r == null) {
      return;
    }
    MapEntry m = maps.get(currentMap);
    try {
      sys.store(m.addr() + r[0], filled((int) r[1], seed));
    } catch (ErrnoException e) {
      throw killed(e);
    } finally {
      charge();
    }
  }

  private void msync(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    int flags = g.bits(Map.of('a', Mm.MS_ASYNC, 'i', Mm.MS_INVALIDATE, 's', Mm.MS_SYNC));
    if (flags == 0) {
      flags = Mm.MS_ASYNC | Mm.MS_INVALIDATE;
    }
    long[] r = mapRange(g);
    if (r == null) {
      return;
    }
    MapEntry m = maps.get(currentMap);
    int f = flags;
    syncCall("msync", () -> sys.msync(m.addr() + (r[0] & ~4095L), r[1] + (r[0] & 4095L), f));
  }

  private void munmap(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    MapEntry m = maps.remove(currentMap);
    syncCall("munmap", () -> sys.munmap(m.addr(), m.length()));
    currentMap = maps.isEmpty() ? -1 : 0;
  }

  private List<ExtentRow> extents(long start, long len) {
    List<FiemapExtent> ext = sys.fiemap(fd(), start, len, Vfs.FIEMAP_FLAG_SYNC);
    charge();
    List<ExtentRow> rows = new ArrayList<>();
    for (FiemapExtent e : ext) {
      rows.add(new ExtentRow(e.logical(), e.physical(), e.length(), e.flags()));
    }
    return rows;
  }

  private void fiemap(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    long start = 0;
    long len = Long.MAX_VALUE;
    if (!g.operands.isEmpty()) {
      Long startArg = numericArgument("offset", g.operands.get(0));
      if (startArg == null) {
        return;
      }
      start = startArg;
    }
    if (g.operands.size() >= 2) {
      Long lenArg = numericArgument("len", g.operands.get(1));
      if (lenArg == null) {
        return;
      }
      len = lenArg;
    }
    String name = file().name;
    List<ExtentRow> rows;
    try {
      rows = extents(start, len == Long.MAX_VALUE ? 0 : len);
    } catch (ErrnoException e) {
      out.println(name + ":");
      err.println("xfs_io: ioctl(FS_IOC_FIEMAP) [\"" + name + "\"]: " + e.errno().message());
      exitCode = 1;
      return;
    }
    boolean whole = g.operands.isEmpty();
    String text = g.has('v')
        ? (whole ? FiemapTable.verbose(name, rows) : FiemapTable.verbose(name, rows, start, len))
        : (whole ? FiemapTable.plain(name, rows) : FiemapTable.plain(name, rows, start, len));
    out.print(text);
  }

  private void seek(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    boolean data = g.has('a') || g.has('d');
    boolean hole = g.has('a') || g.has('h');
    if (!data && !hole || g.operands.size() != 1) {
      usage(commands.get("seek"));
      return;
    }
    long start = num(g.operands.get(0));
    if (start < 0) {
      usage(commands.get("seek"));
      return;
    }
    boolean recurse = g.has('r');
    boolean showStart = g.has('s');
    int fd = fd();
    // Which comes first from start: a hole (start is in one) or data.
    boolean currentIsHole;
    if (hole) {
      long h = lseekOrEof(fd, start, Vfs.SEEK_HOLE);
      currentIsHole = h == start || !data;
    } else {
      currentIsHole = false;
    }
    out.println(showStart ? "Whence\tStart\tResult" : "Whence\tResult");
    long from = start;
    for (int c = 0; ; c++) {
      String word = currentIsHole ? "HOLE" : "DATA";
      long r = lseekOrEof(fd, from, currentIsHole ? Vfs.SEEK_HOLE : Vfs.SEEK_DATA);
      if (r < 0) {
        if (c == 0) {
          out.println(showStart ? word + "\t" + from + "\tEOF" : word + "\tEOF");
        }
        return;
      }
      out.println(showStart ? word + "\t" + from + "\t" + r : word + "\t" + r);
      if (!recurse && (c == 1 || !(data && hole))) {
        return;
      }
      if (data && hole) {
        currentIsHole = !currentIsHole;
        from = r;
      } else {
        // Only one kind is shown: skip over the other kind to the next of this one.
        long other = lseekOrEof(fd, r, currentIsHole ? Vfs.SEEK_DATA : Vfs.SEEK_HOLE);
        if (other < 0) {
          return;
        }
        from = other;
      }
    }
  }

  /** lseek, or -1 for ENXIO (no more data or holes). */
  private long lseekOrEof(int fd, long offset, int whence) {
    try {
      return sys.lseek(fd, offset, whence);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENXIO) {
        return -1;
      }
      throw e;
    } finally {
      charge();
    }
  }

  /** FICLONE of a whole file (reported as 0/0 bytes, as xfs_io does) or FICLONERANGE. */
  private void reflink(List<String> argv) {
    Getopt g = getopt(argv);
    if (g == null) {
      return;
    }
    if (g.operands.size() != 1 && g.operands.size() != 4) {
      usage(commands.get("reflink"));
      return;
    }
    long srcOff = 0;
    long dstOff = 0;
    long len = 0;
    if (g.operands.size() == 4) {
      srcOff = num(g.operands.get(1));
      dstOff = num(g.operands.get(2));
      len = num(g.operands.get(3));
      if (srcOff < 0 || dstOff < 0 || len < 0) {
        usage(commands.get("reflink"));
        return;
      }
    }
    String infile = g.operands.get(0);
    int src;
    try {
      src = sys.open(SimulatedSystem.pathOf(infile), OpenFile.O_RDONLY);
    } catch (ErrnoException e) {
      err.println(infile + ": " + e.errno().message());
      exitCode = 1;
      return;
    }
    long start = now();
    try {
      sys.cloneRange(src, srcOff, fd(), dstOff, len);
    } catch (ErrnoException e) {
      perror("reflink", e);
      return;
    } finally {
      sys.close(src);
      charge();
    }
    if (!g.has('q')) {
      out.print(new TransferReport("linked", dstOff, len, len, 1, now() - start).render());
    }
  }

  private void mpwrite(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    long offset = num(argv.get(1));
    long len = num(argv.get(2));
    long mapoff = num(argv.get(3));
    if (offset < 0 || len < 0 || mapoff < 0) {
      usage(commands.get("mpwrite"));
      return;
    }
    MapEntry m = maps.get(currentMap);
    if (mapoff + len > m.length()) {
      out.println("range (" + mapoff + ":" + len + ") is beyond mapping (" + m.offset() + ":"
          + m.length() + ")");
      exitCode = 1;
      return;
    }
    long start = now();
    long n;
    try {
      n = sys.pwrite(fd(), m.addr() + mapoff, len, offset);
    } catch (ErrnoException e) {
      perror("pwrite", e);
      return;
    } finally {
      charge();
    }
    out.print(new TransferReport("wrote", offset, len, n, n > 0 ? 1 : 0, now() - start).render());
  }

  private void filefrag() {
    FileEntry f = file();
    List<ExtentRow> rows;
    Stat st;
    try {
      rows = extents(0, 0);
      st = sys.fstat(fd());
    } catch (ErrnoException e) {
      err.println("filefrag: " + f.name + ": FIEMAP failed: " + e.errno().message());
      exitCode = 1;
      return;
    }
    out.print(FilefragReport.verbose(sys.fstatfs(fd()).type(), f.name, st.size(),
        system.superBlock().blockSize(), rows));
  }

  private void counters() {
    out.println("filesystem " + system.type().name() + ":");
    system.superBlock().counters().forEach((k, v) -> out.println("  " + k + " = " + v));
    PageCacheStats p = system.machine().pageCache().stats();
    out.println("page cache:");
    out.println("  nr_pages = " + p.nrPages());
    out.println("  nr_dirty = " + p.nrDirty());
    out.println("  nr_writeback = " + p.nrWriteback());
    out.println("  limit_pages = " + p.limitPages());
    out.println("  dirty_background_thresh = " + p.dirtyBackgroundThresh());
    out.println("  dirty_thresh = " + p.dirtyThresh());
    out.println("  reclaimed = " + p.reclaimed());
    out.println("  reclaim_writeback = " + p.reclaimWriteback());
    out.println("  background_writeback_runs = " + p.backgroundWritebackRuns());
    out.println("  throttled = " + p.throttled());
    out.println("  pages_written_back = " + p.pagesWrittenBack());
    BlockDevice dev = system.device();
    if (dev != null) {
      DeviceCounters d = dev.counters();
      out.println("device " + dev.name() + (dev.dataless()
          ? " (dataless: file data not stored, reclaimed data reads back as zeros):" : ":"));
      out.println("  read_requests = " + d.readRequests());
      out.println("  write_requests = " + d.writeRequests());
      out.println("  blocks_read = " + d.blocksRead());
      out.println("  blocks_written = " + d.blocksWritten());
      out.println("  data_blocks_written = " + d.dataBlocksWritten());
      out.println("  metadata_blocks_written = " + d.metadataBlocksWritten());
      out.println("  discontiguous_requests = " + d.discontiguousRequests());
      out.println("  seek_distance_total = " + d.seekDistanceTotal());
      out.println("  flushes = " + d.flushes());
      out.println("  fua_writes = " + d.fuaWrites());
      out.println("  discards = " + d.discards());
      out.println("  io_errors = " + d.ioErrors());
    }
  }

  private void lockdep() {
    List<LockdepReport> reports = system.machine().lockValidator().reports();
    if (reports.isEmpty()) {
      out.println("lockdep: no reports");
      return;
    }
    for (LockdepReport r : reports) {
      out.print(r.render());
    }
    exitCode = 1;
  }

  private void powercut() {
    system.machine().powerCut();
    maps.clear();
    currentMap = -1;
    sys = newProcess();
    List<FileEntry> before = List.copyOf(files);
    files.clear();
    int wasCurrent = current;
    current = -1;
    for (int i = 0; i < before.size(); i++) {
      FileEntry f = before.get(i);
      try {
        int flags = f.flags & ~(OpenFile.O_CREAT | OpenFile.O_TRUNC);
        int fd = sys.open(SimulatedSystem.pathOf(f.name), f.pathOnly ? OpenFile.O_RDONLY : flags,
            0600);
        files.add(new FileEntry(f.name, fd, f.flags, f.pathOnly));
        if (i == wasCurrent) {
          current = files.size() - 1;
        }
      } catch (ErrnoException e) {
        err.println(f.name + ": " + e.errno().message() + " (after the power cut)");
        exitCode = 1;
      }
    }
    if (current < 0 && !files.isEmpty()) {
      current = 0;
    }
  }
}
