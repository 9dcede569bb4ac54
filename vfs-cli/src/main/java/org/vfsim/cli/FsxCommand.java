package org.vfsim.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vfsim fsx}: the test kit's model checker (random operations checked against a model of
 * the file) on one filesystem; exit status 0 only when every operation checked out.
 *
 * <p>TODO(lead): the checker, {@code org.vfsim.testkit.fsx.Fsx}, had not landed in main when this
 * was written, so it is reached by reflection against its announced API ({@code run}, {@code
 * replay}, records {@code Options} and {@code Result}); once it is merged, replace {@link
 * FsxBridge} with direct calls (the options below map one to one onto {@code Options}).
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
      description = "where to write the replay file of a failing run")
  Path replayOut;

  @Option(names = "--size", paramLabel = "SIZE", description = "device size")
  String size;

  @Option(names = "--mkfs", paramLabel = "OPTS", description = "mkfs options")
  String mkfsOptions;

  @Option(names = "--mount", paramLabel = "OPTS", description = "mount options")
  String mountOptions;

  @Option(names = "--max-file-size", paramLabel = "SIZE", description = "largest file offset used")
  String maxFileSize;

  FsxCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    FileSystemType type = ctx.registry().get(fs);
    PrintStream out = ctx.out();
    FsxBridge fsx = FsxBridge.load();
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (size != null) {
      overrides.put("deviceBytes", MountOptions.parseSize("--size", size));
    }
    if (mkfsOptions != null) {
      overrides.put("mkfsOptions", mkfsOptions);
    }
    if (mountOptions != null) {
      overrides.put("mountOptions", mountOptions);
    }
    if (maxFileSize != null) {
      overrides.put("maxFileSize", MountOptions.parseSize("--max-file-size", maxFileSize));
    }
    if (replayOut != null) {
      overrides.put("replayOut", replayOut);
    }
    Object result;
    if (replay != null) {
      out.println("fsx: replaying " + replay + " on " + fs);
      result = fsx.replay(type, replay, out);
    } else {
      out.println("fsx: " + fs + ", seed " + seed + ", " + operations + " operations");
      result = fsx.run(type, fsx.options(seed, operations, overrides), out);
    }
    boolean passed = (Boolean) FsxBridge.get(result, "passed");
    long ran = ((Number) FsxBridge.get(result, "operationsRun")).longValue();
    Object failure = FsxBridge.get(result, "failure");
    Object written = FsxBridge.get(result, "replayWritten");
    double rate = ((Number) FsxBridge.get(result, "opsPerSecond")).doubleValue();
    out.printf("fsx: %s after %d operations (seed %s, %.0f ops/s)%n",
        passed ? "PASSED" : "FAILED", ran, FsxBridge.get(result, "seed"), rate);
    if (!passed) {
      ctx.err().println("vfsim: fsx: " + failure);
      if (written != null) {
        ctx.err().println("vfsim: fsx: replay with: vfsim fsx --fs " + fs + " --replay "
            + written);
      }
    }
    return passed ? 0 : 1;
  }

  /** The test kit's {@code Fsx}, found at run time (see the class comment's TODO). */
  static final class FsxBridge {
    private final Class<?> fsx;
    private final Class<?> options;

    private FsxBridge(Class<?> fsx, Class<?> options) {
      this.fsx = fsx;
      this.options = options;
    }

    static FsxBridge load() {
      try {
        Class<?> f = Class.forName("org.vfsim.testkit.fsx.Fsx");
        Class<?> o;
        try {
          o = Class.forName("org.vfsim.testkit.fsx.Fsx$Options");
        } catch (ClassNotFoundException e) {
          o = Class.forName("org.vfsim.testkit.fsx.Options");
        }
        return new FsxBridge(f, o);
      } catch (ClassNotFoundException e) {
        throw new CliFailure("fsx: the model checker (org.vfsim.testkit.fsx.Fsx) is not part"
            + " of this build yet");
      }
    }

    Object options(long seed, long ops, Map<String, Object> overrides) throws Exception {
      Object defaults = call(options.getMethod("defaults", long.class, long.class), null, seed,
          ops);
      RecordComponent[] rc = options.getRecordComponents();
      Object[] values = new Object[rc.length];
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
        values[i] = overrides.containsKey(rc[i].getName()) ? overrides.get(rc[i].getName())
            : rc[i].getAccessor().invoke(defaults);
      }
      return options.getDeclaredConstructor(types).newInstance(values);
    }

    Object run(FileSystemType type, Object opts, PrintStream out) throws Exception {
      return call(fsx.getMethod("run", FileSystemType.class, options, PrintStream.class), null,
          type, opts, out);
    }

    Object replay(FileSystemType type, Path file, PrintStream out) throws Exception {
      return call(fsx.getMethod("replay", FileSystemType.class, Path.class, PrintStream.class),
          null, type, file, out);
    }

    static Object get(Object record, String component) throws Exception {
      return call(record.getClass().getMethod(component), record);
    }

    private static Object call(Method m, Object target, Object... args) throws Exception {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        throw e;
      }
    }
  }
}
