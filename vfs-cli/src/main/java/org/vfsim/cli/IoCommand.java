package org.vfsim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OpenFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vfsim io}: xfs_io on a simulated filesystem. */
@Command(name = "io", mixinStandardHelpOptions = true,
    description = {"xfs_io on a simulated filesystem: the same options, commands and output.",
        "Commands come from -c (in order; per-file commands run on every open file) or, without"
            + " -c, from standard input (on the current file).",
        "Extra commands: mpwrite OFF LEN MAPOFF, filefrag, counters, lockdep, powercut, sync.",
        "'help CMD' explains a command. Times are simulated: nanoseconds since boot, shown as"
            + " time since the Unix epoch (stat -v, stat -r)."})
final class IoCommand implements Callable<Integer> {
  static final String DEFAULT_FS = "xfsish";
  static final String DEFAULT_SIZE = "1g";

  private final CliContext ctx;

  @Option(names = "-f", description = "create the file if it does not exist")
  boolean create;

  @Option(names = "-t", description = "truncate the file when opening it")
  boolean truncate;

  @Option(names = "-r", description = "open read-only")
  boolean readOnly;

  @Option(names = "-s", description = "open with O_SYNC")
  boolean sync;

  @Option(names = "-a", description = "open with O_APPEND")
  boolean append;

  @Option(names = "-x", description = "expert mode (accepted; every command is available)")
  boolean expert;

  @Option(names = "-d", description = "O_DIRECT (not simulated: refused)")
  boolean direct;

  @Option(names = "-c", paramLabel = "CMD", description = "a command to run (repeatable)")
  List<String> commands = new ArrayList<>();

  @Option(names = "--fs", paramLabel = "NAME",
      description = "filesystem: ext2ish, xfsish, btrfsish or ramfs (default: ${DEFAULT-VALUE})")
  String fs = DEFAULT_FS;

  @Option(names = "--mkfs", paramLabel = "OPTS", description = "mkfs options (see vfsim plugins)")
  String mkfsOptions = "";

  @Option(names = "--mount", paramLabel = "OPTS", description = "mount options (see vfsim plugins)")
  String mountOptions = "";

  @Option(names = "--size", paramLabel = "SIZE",
      description = "device size, k/m/g/t suffixes (default: ${DEFAULT-VALUE})")
  String size = DEFAULT_SIZE;

  @Option(names = "--image", paramLabel = "PATH",
      description = {"keep the simulated machine in this file between invocations (created if"
          + " missing; --fs/--mkfs/--size apply only then); the clock resumes at exactly the"
          + " saved time"})
  Path image;

  @Parameters(paramLabel = "FILE", arity = "0..*",
      description = "files to open, relative to the simulated filesystem's root")
  List<String> fileNames = new ArrayList<>();

  IoCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    if (direct) {
      throw new CliFailure("-d: O_DIRECT is not simulated (vfsim models the buffered write path)");
    }
    SimulatedSystem system = boot();
    XfsIoShell shell = new XfsIoShell(system, ctx.out(), ctx.err());
    int flags = (readOnly ? OpenFile.O_RDONLY : OpenFile.O_RDWR)
        | (create ? OpenFile.O_CREAT : 0) | (truncate ? OpenFile.O_TRUNC : 0)
        | (sync ? OpenFile.O_SYNC : 0) | (append ? OpenFile.O_APPEND : 0);
    int status;
    try {
      boolean opened = true;
      for (String name : fileNames) {
        if (!shell.openInitial(name, flags)) {
          opened = false;
          break;
        }
      }
      if (opened) {
        if (commands.isEmpty()) {
          shell.runInteractive(new BufferedReader(
              new InputStreamReader(ctx.in(), StandardCharsets.UTF_8)), ctx.terminal());
        } else {
          shell.runCommandLine(commands);
        }
      }
      status = shell.exitCode();
    } catch (XfsIoShell.Killed k) {
      status = k.status;
    }
    shell.closeAll();
    ctx.out().flush();
    if (image != null) {
      system.saveImage(image);
    }
    return status;
  }

  private SimulatedSystem boot() throws IOException {
    if (image != null && Files.exists(image)) {
      SimulatedSystem s = SimulatedSystem.loadImage(ctx.registry(), image);
      if (!fs.equals(DEFAULT_FS) && !fs.equals(s.type().name())) {
        throw new CliFailure(image + " holds a " + s.type().name() + " filesystem, not " + fs);
      }
      return s;
    }
    FileSystemType type = ctx.registry().get(fs);
    if (image != null && !type.has(org.vfsim.fs.Capability.BLOCK_DEVICE)) {
      throw new CliFailure("--image needs a filesystem on a block device; " + fs
          + " keeps nothing on one");
    }
    long bytes = MountOptions.parseSize("--size", size);
    return SimulatedSystem.create(type, bytes, mkfsOptions, mountOptions);
  }
}
