package org.vfsim.testkit.fsx;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.vfsim.fs.FileSystemType;
import org.vfsim.ramfs.RamfsType;

/**
 * Command line for long model-checker runs:
 * {@code FsxMain [-N ops] [-S seed] [-l maxFileSize] [--fs NAME] [--mkfs OPTS] [--mount OPTS]
 * [--replay FILE] [--replay-out FILE]}. The
 * filesystem is ramfs or any {@link FileSystemType} found by {@link ServiceLoader} on the class
 * path (or a class name). Exits 0 when the run passed, 1 when it failed, 2 on bad usage.
 */
public final class FsxMain {
  private FsxMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    long ops = 10_000;
    long seed = System.nanoTime() & 0xffff_ffffL;
    String fsName = "ramfs";
    Path replay = null;
    Path replayOut = Path.of("fsx.replay");
    long maxFileSize = -1;
    String mkfsOptions = "";
    String mountOptions = "";
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "-N" -> ops = Long.parseLong(value(args, ++i));
          case "-S" -> seed = Long.parseLong(value(args, ++i));
          case "--fs" -> fsName = value(args, ++i);
          case "--mkfs" -> mkfsOptions = value(args, ++i);
          case "--mount" -> mountOptions = value(args, ++i);
          case "--replay" -> replay = Path.of(value(args, ++i));
          case "--replay-out" -> replayOut = Path.of(value(args, ++i));
          case "-l" -> maxFileSize = Long.parseLong(value(args, ++i));
          case "-h", "--help" -> {
            usage();
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (RuntimeException e) {
      System.err.println("fsx: " + e.getMessage());
      usage();
      return 2;
    }
    FileSystemType type = find(fsName);
    if (type == null) {
      System.err.println("fsx: no filesystem type " + fsName);
      return 2;
    }
    Fsx.Result r;
    try {
      if (replay != null) {
        r = Fsx.replay(type, replay, System.out);
      } else {
        Fsx.Options o = Fsx.Options.defaults(seed, ops).withReplayOut(replayOut)
            .withMkfsOptions(mkfsOptions).withMountOptions(mountOptions);
        if (maxFileSize > 0) {
          o = o.withMaxFileSize(maxFileSize);
        }
        r = Fsx.run(type, o, System.out);
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      // Bad options or an unreadable replay file: nothing was checked.
      System.err.println("fsx: " + e.getMessage());
      return 2;
    }
    return r.passed() ? 0 : 1;
  }

  /** The argument of the option before {@code i}; an option at the end lacks one. */
  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("option " + args[i - 1] + " requires an argument");
    }
    return args[i];
  }

  static FileSystemType find(String name) {
    if (name.equals("ramfs")) {
      return new RamfsType();
    }
    for (FileSystemType t : ServiceLoader.load(FileSystemType.class)) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    try {
      return (FileSystemType) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      return null;
    }
  }

  private static void usage() {
    System.err.println("usage: FsxMain [-N ops] [-S seed] [-l maxFileSize] [--fs NAME]"
        + " [--mkfs OPTS] [--mount OPTS] [--replay FILE] [--replay-out FILE]");
  }
}
