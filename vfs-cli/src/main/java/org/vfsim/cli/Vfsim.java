package org.vfsim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code vfsim} command: the entry point of the launcher script. */
@Command(name = "vfsim", mixinStandardHelpOptions = true, version = "vfsim 0.1.0",
    description = "A simulated Linux VFS, page cache and block device with pluggable filesystems.",
    subcommands = {IoCommand.class, CompareCommand.class, FsxCommand.class, PluginsCommand.class,
        CommandLine.HelpCommand.class})
public final class Vfsim implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required: io, compare, fsx or plugins");
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.in, System.out, System.err, System.console() != null));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  static int execute(String[] args, InputStream in, PrintStream out, PrintStream err,
      boolean terminal) {
    CliContext ctx;
    try {
      ctx = new CliContext(CliComponent.plugins(), in, out, err, terminal);
    } catch (RuntimeException e) {
      err.println("vfsim: cannot load the filesystem plugins: " + CliFailure.describe(e));
      return 1;
    }
    CommandLine cl = new CommandLine(new Vfsim(), new Factory(ctx));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler((ex, argv) -> {
      err.println("vfsim: " + ex.getMessage());
      CommandLine sub = ex.getCommandLine();
      err.println("Try '" + sub.getCommandSpec().qualifiedName()
          + " --help' for more information.");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      out.flush();
      if (ex instanceof org.vfsim.syscall.ErrnoException || ex instanceof CliFailure
          || ex instanceof java.io.IOException) {
        err.println("vfsim: " + CliFailure.describe(ex));
      } else {
        // A bug, not bad input: still one line, with the place it happened.
        StackTraceElement[] where = ex.getStackTrace();
        err.println("vfsim: internal error: " + ex
            + (where.length > 0 ? " at " + where[0] : ""));
      }
      return ex instanceof CliFailure f ? f.exitCode() : 1;
    });
    int status;
    try {
      status = cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Not bad input but a machine too large for this JVM's heap: still one line, and no
      // image was saved (an --image is left as it was).
      out.flush();
      err.println("vfsim: out of memory: the simulated machine needs more than this JVM's "
          + (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap (try a smaller --size,"
          + " --dataless, or more heap with JAVA_TOOL_OPTIONS=-Xmx...)");
      status = 1;
    } catch (StackOverflowError e) {
      out.flush();
      err.println("vfsim: internal error: stack overflow");
      status = 1;
    }
    out.flush();
    err.flush();
    return status;
  }

  /** Hands each subcommand the shared context. */
  private record Factory(CliContext ctx) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
        return c.newInstance(ctx);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
