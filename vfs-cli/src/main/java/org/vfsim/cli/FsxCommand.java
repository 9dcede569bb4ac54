package org.vfsim.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import org.vfsim.testkit.fsx.Fsx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vfsim fsx}: the test kit's model checker (random operations checked against a model of
 * the file) on one filesystem; exit status 0 only when every operation checked out.
 */
@Command(name = "fsx", mixinStandardHelpOptions = true,
    description = {"Run the model checker: random file operations on the simulated filesystem,"
        + " each checked against a model; on a failure a replay file is written.",
        "Exit status 0 only when every operation checked out."})
final class FsxCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--fs", required = true, paramLabel = "NAME", description = "filesystem type")
  String fs;

  @Option(names = "-N", paramLabel = "OPS", defaultValue = "10000",
      description = "operations to run (default: ${DEFAULT-VALUE})")
  long operations;

  @Option(names = "-S", paramLabel = "SEED", defaultValue = "1",
      description = "random seed, printed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--replay", paramLabel = "FILE",
      description = "replay a recorded failing sequence instead of a random run")
  Path replay;

  @Option(names = "--replay-out", paramLabel = "FILE",
      description = "where a failing run writes its replay file (default: the temporary"
          + " directory, vfsim-fsx-NAME-SEED.replay)")
  Path replayOut;

  @Option(names = "--size", paramLabel = "SIZE", description = "device size (default 256m)")
  String size;

  @Option(names = "--mkfs", paramLabel = "OPTS", description = "mkfs options")
  String mkfsOptions;

  @Option(names = "--mount", paramLabel = "OPTS", description = "mount options")
  String mountOptions;

  @Option(names = "--max-file-size", paramLabel = "SIZE",
      description = "largest file size used, 8k..64m (default 256k)")
  String maxFileSize;

  FsxCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Makes and mounts the filesystem once as configured, so that a size or option it refuses is a
   * usage error now, not a checker failure (with a replay file) after the first operation.
   */
  private static void checkConfiguration(FileSystemType type, Fsx.Options o) {
    if (!type.has(org.vfsim.fs.Capability.BLOCK_DEVICE)) {
      return;
    }
    try {
      SimulatedSystem.create(type, o.deviceBytes(), o.mkfsOptions(), o.mountOptions())
          .unmount();
    } catch (org.vfsim.syscall.ErrnoException e) {
      throw new CliFailure("fsx: " + type.name() + " on a " + o.deviceBytes()
          + "-byte device" + (o.mkfsOptions().isEmpty() ? "" : " (mkfs " + o.mkfsOptions() + ")")
          + (o.mountOptions().isEmpty() ? "" : " (mount " + o.mountOptions() + ")")
          + ": " + CliFailure.describe(e), 2);
    } catch (CliFailure e) {
      throw new CliFailure("fsx: " + e.getMessage(), 2);
    }
  }

  @Override
  public Integer call() {
    FileSystemType type = ctx.registry().get(fs);
    PrintStream out = ctx.out();
    if (PluginPath.isPluginClass(type.getClass())) {
      out.println("fsx: " + type.name() + " from " + PluginsCommand.origin(type));
    }
    Fsx.Result result;
    try {
      if (replay != null) {
        result = Fsx.replay(type, replay, out);
      } else {
        Path out1 = replayOut != null ? replayOut : Path.of(System.getProperty(
            "java.io.tmpdir"), "vfsim-fsx-" + fs + "-" + seed + ".replay");
        Fsx.Options o = Fsx.Options.defaults(seed, operations).withReplayOut(out1);
        if (size != null) {
          o = o.withDeviceBytes(MountOptions.parseSize("--size", size));
        }
        if (mkfsOptions != null) {
          o = o.withMkfsOptions(mkfsOptions);
        }
        if (mountOptions != null) {
          o = o.withMountOptions(mountOptions);
        }
        if (maxFileSize != null) {
          o = o.withMaxFileSize(MountOptions.parseSize("--max-file-size", maxFileSize));
        }
        checkConfiguration(type, o);
        out.println("fsx: " + fs + ", seed " + seed + ", " + operations + " operations");
        result = Fsx.run(type, o, out);
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      // Bad options or an unreadable replay file: the checker's own message.
      throw new CliFailure("fsx: " + e.getMessage());
    }
    out.printf("fsx: %s after %d operations (seed %d, %.0f ops/s)%n",
        result.passed() ? "PASSED" : "FAILED", result.operationsRun(), result.seed(),
        result.opsPerSecond());
    if (!result.passed()) {
      ctx.err().println("vfsim: fsx: " + result.failure());
      if (result.replayWritten() != null) {
        ctx.err().println("vfsim: fsx: replay with: vfsim fsx --fs " + fs + " --replay "
            + result.replayWritten());
      }
    }
    return result.passed() ? 0 : 1;
  }
}
