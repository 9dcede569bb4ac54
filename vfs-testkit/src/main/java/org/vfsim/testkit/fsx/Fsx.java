package org.vfsim.testkit.fsx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.testkit.MountedFilesystem;

/**
 * An fsx-style model checker: a seeded stream of random operations on two files of the
 * filesystem under test, each checked against an in-memory model of what the files must hold,
 * with the filesystem's fsck, {@code statfs} sanity, lock and lockdep checks after every
 * operation. A failure names the seed, the operation number, the check, the first differing
 * bytes and the last operations, and writes a replay file that reproduces it exactly.
 */
public final class Fsx {
  private Fsx() {}

  /**
   * How to run.
   *
   * @param replayOut where to write the replay file on failure (null: none)
   */
  public record Options(long seed, long operations, long deviceBytes, int blockSize,
      String mkfsOptions, String mountOptions, long maxFileSize, @Nullable Path replayOut) {
    public Options {
      checkArgument(operations >= 0, "operations %s < 0", operations);
      checkArgument(deviceBytes > 0, "deviceBytes %s <= 0", deviceBytes);
      checkArgument(maxFileSize >= 2 * 4096 && maxFileSize <= (64L << 20),
          "maxFileSize %s outside [8 KiB, 64 MiB]", maxFileSize);
      checkNotNull(mkfsOptions);
      checkNotNull(mountOptions);
    }

    /** fsx's defaults: a 256 KiB file, on a 256 MiB device of 4 KiB blocks. */
    public static Options defaults(long seed, long operations) {
      return new Options(seed, operations, 256L << 20, 4096, "", "", 256 * 1024, null);
    }

    public Options withReplayOut(@Nullable Path path) {
      return new Options(seed, operations, deviceBytes, blockSize, mkfsOptions, mountOptions,
          maxFileSize, path);
    }

    public Options withDeviceBytes(long bytes) {
      return new Options(seed, operations, bytes, blockSize, mkfsOptions, mountOptions,
          maxFileSize, replayOut);
    }

    public Options withOperations(long n) {
      return new Options(seed, n, deviceBytes, blockSize, mkfsOptions, mountOptions,
          maxFileSize, replayOut);
    }

    public Options withMaxFileSize(long bytes) {
      return new Options(seed, operations, deviceBytes, blockSize, mkfsOptions, mountOptions,
          bytes, replayOut);
    }

    public Options withMountOptions(String opts) {
      return new Options(seed, operations, deviceBytes, blockSize, mkfsOptions, opts,
          maxFileSize, replayOut);
    }

    public Options withMkfsOptions(String opts) {
      return new Options(seed, operations, deviceBytes, blockSize, opts, mountOptions,
          maxFileSize, replayOut);
    }
  }

  /**
   * The outcome.
   *
   * @param failure the failure report (null when passed)
   * @param replayWritten the replay file written (null when passed or none was asked for)
   */
  public record Result(boolean passed, long operationsRun, long seed, @Nullable String failure,
      @Nullable Path replayWritten, double opsPerSecond) {}

  /**
   * Runs {@code options.operations()} random operations on a fresh {@code type} filesystem.
   *
   * @throws IllegalArgumentException if the mkfs or mount options are not ones {@code type}
   *     accepts: a usage error, not a failure of the filesystem, so no replay file is written
   */
  public static Result run(FileSystemType type, Options options, PrintStream log) {
    return run(type, options, log, null);
  }

  /**
   * As {@link #run(FileSystemType, Options, PrintStream)}, then, if every operation checked
   * out, syncs and hands the mounted filesystem to {@code finalJudge}: an independent checker of
   * what the run left on the device (e2fsck for an ext2 image). An exception or assertion error
   * from it fails the run like any check.
   */
  public static Result run(FileSystemType type, Options options, PrintStream log,
      @Nullable Consumer<MountedFilesystem> finalJudge) {
    checkOptions("mkfs", options.mkfsOptions(), type.mkfsOptions());
    checkOptions("mount", options.mountOptions(), type.mountOptions());
    return new FsxRun(checkNotNull(type), checkNotNull(options), checkNotNull(log), finalJudge)
        .run();
  }

  private static void checkOptions(String what, String text, List<OptionSpec> specs) {
    try {
      MountOptions.parse(text, specs);
    } catch (ErrnoException e) {
      throw new IllegalArgumentException(what + " options '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Re-runs the failing run a replay file describes, up to and including the failing operation. */
  public static Result replay(FileSystemType type, Path replayFile, PrintStream log) {
    ReplayFile r;
    try {
      r = ReplayFile.read(replayFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read replay file " + replayFile, e);
    }
    checkArgument(r.fsName().equals(type.name()),
        "replay file %s was written for --fs %s, not %s", replayFile, r.fsName(), type.name());
    log.printf("fsx: replaying %s (seed %d, %d operations)%n", replayFile, r.options().seed(),
        r.options().operations());
    return run(type, r.options().withReplayOut(null), log);
  }
}
