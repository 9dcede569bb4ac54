package org.vfsim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import org.vfsim.syscall.Fcntl;
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
      description = "filesystem: ext2ish, xfsish, btrfsish or ramfs (default: " + DEFAULT_FS
          + ")")
  String fs;

  @Option(names = "--mkfs", paramLabel = "OPTS", description = "mkfs options (see vfsim plugins)")
  String mkfsOptions;

  @Option(names = "--mount", paramLabel = "OPTS", description = "mount options (see vfsim plugins)")
  String mountOptions;

  @Option(names = "--size", paramLabel = "SIZE",
      description = "device size, k/m/g/t/p suffixes (default: " + DEFAULT_SIZE + ")")
  String size;

  @Option(names = "--dataless",
      description = {"do not store file data on the device, only metadata: memory grows with"
          + " metadata only; data whose pages are reclaimed reads back as zeros"})
  boolean dataless;

  @Option(names = "--image", paramLabel = "PATH",
      description = {"keep the simulated machine in this file between invocations: the"
          + " device's bytes in a sparse file, then a trailer (created if missing; --fs, --mkfs,"
          + " --mount, --size and --dataless apply only then, and must match an existing"
          + " image); the run holds a lock on it (shared with -r, which never saves it)"})
  Path image;

  @Option(names = "--no-wait",
      description = "fail at once instead of waiting when another run holds the image's lock")
  boolean noWait;

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
    if (image == null) {
      return run(boot(null));
    }
    // Every check of the image's path comes before any work, and the lock before loading it.
    MachineImage.Target target = MachineImage.check(image, !readOnly);
    if (target.exists()) {
      MachineImage.readTrailer(target); // a bad image is refused without waiting for the lock
    } else if (readOnly) {
      throw new CliFailure(image + ": No such file or directory (-r only reads an image)");
    }
    try (ImageLock lock = ImageLock.acquire(target.real(), image, readOnly, noWait,
        ctx.err())) {
      MachineImage.removeStaleTemporaries(target, ctx.err());
      // Checked again under the lock: another run may have created or replaced it meanwhile.
      MachineImage.Target now = MachineImage.check(image, !readOnly);
      SimulatedSystem system = boot(now);
      int status = run(system);
      if (!readOnly) {
        system.saveImage(now);
      }
      return status;
    }
  }

  private int run(SimulatedSystem system) throws IOException {
    XfsIoShell shell = new XfsIoShell(system, ctx.out(), ctx.err());
    int flags = (readOnly ? Fcntl.O_RDONLY : Fcntl.O_RDWR)
        | (create ? Fcntl.O_CREAT : 0) | (truncate ? Fcntl.O_TRUNC : 0)
        | (sync ? Fcntl.O_SYNC : 0) | (append ? Fcntl.O_APPEND : 0);
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
    return status;
  }

  private SimulatedSystem boot(MachineImage.Target target) {
    if (target != null && target.exists()) {
      ImageTrailer t = MachineImage.readTrailer(target);
      String what = t.fsType() + " filesystem of " + t.deviceBytes() + " bytes";
      if (fs != null && !fs.equals(t.fsType())) {
        throw new CliFailure(image + " holds a " + what + ", not " + fs
            + " (--fs applies only when the image is created)");
      }
      if (size != null && MountOptions.parseSize("--size", size) != t.deviceBytes()) {
        throw new CliFailure(image + " holds a " + what + "; --size " + size
            + " differs (--size applies only when the image is created)");
      }
      if (mkfsOptions != null && !mkfsOptions.equals(t.mkfsOptions())) {
        throw new CliFailure(image + " holds a " + what + " made with --mkfs '"
            + t.mkfsOptions() + "'; --mkfs '" + mkfsOptions + "' differs");
      }
      if (mountOptions != null && !mountOptions.equals(t.mountOptions())) {
        throw new CliFailure(image + " holds a " + what + " mounted with --mount '"
            + t.mountOptions() + "'; --mount '" + mountOptions + "' differs (the image keeps"
            + " its mount options)");
      }
      if (dataless && !t.dataless()) {
        throw new CliFailure(image + " holds a device with its data; --dataless applies only"
            + " when the image is created");
      }
      return SimulatedSystem.loadImage(ctx.registry(), target, t);
    }
    String fsName = fs != null ? fs : DEFAULT_FS;
    FileSystemType type = ctx.registry().get(fsName);
    if (target != null && !type.has(org.vfsim.fs.Capability.BLOCK_DEVICE)) {
      throw new CliFailure("--image needs a filesystem on a block device; " + fsName
          + " keeps nothing on one");
    }
    long bytes = MountOptions.parseSize("--size", size != null ? size : DEFAULT_SIZE);
    return SimulatedSystem.create(type, bytes, mkfsOptions != null ? mkfsOptions : "",
        mountOptions != null ? mountOptions : "", dataless);
  }
}
