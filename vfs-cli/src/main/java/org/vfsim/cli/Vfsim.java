package org.vfsim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/** The {@code vfsim} command: the entry point of the launcher script. */
@Command(name = "vfsim", mixinStandardHelpOptions = true, version = "vfsim 0.1.0",
    description = "A simulated Linux VFS, page cache and block device with pluggable filesystems.",
    subcommands = {IoCommand.class, CompareCommand.class, FsxCommand.class, CrashCommand.class,
        MountCommand.class, PluginsCommand.class, CommandLine.HelpCommand.class})
public final class Vfsim implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required: io, compare, fsx, crash, mount or plugins");
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.in, System.out, System.err, System.console() != null,
        System.getenv(), System.getProperty("vfsim.home", "")));
  }

  /** Runs the command line with the given streams and no plugin path; returns the exit status. */
  static int execute(String[] args, InputStream in, PrintStream out, PrintStream err,
      boolean terminal) {
    return execute(args, in, out, err, terminal, Map.of(), "");
  }

  /**
   * Runs the command line with the given streams, environment ({@code VFSIM_PLUGIN_PATH}) and
   * launcher folder ({@code plugins/}); returns the exit status.
   */
  static int execute(String[] args, InputStream in, PrintStream out, PrintStream err,
      boolean terminal, Map<String, String> env, String home) {
    CliContext ctx;
    ClassLoader loader;
    try {
      loader = PluginPath.resolve(args, env, home).loader(Vfsim.class.getClassLoader());
      ctx = new CliContext(CliComponent.plugins(loader), in, out, err, terminal);
    } catch (CliFailure e) {
      err.println("vfsim: " + e.getMessage());
      return e.exitCode();
    } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
      err.println("vfsim: cannot load the filesystem plugins: " + CliFailure.describe(e));
      return 1;
    }
    CommandLine cl = new CommandLine(new Vfsim(), new Factory(ctx));
    addPluginOption(cl);
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
    // Filesystems look up allocation policies (policy=NAME) through the context class loader,
    // so that a plugin jar's policies are found as its filesystem types are.
    Thread me = Thread.currentThread();
    ClassLoader before = me.getContextClassLoader();
    me.setContextClassLoader(loader);
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Not bad input but a machine too large for this JVM's heap: still one line, and no
      // image was saved (an --image is left as it was).
      out.flush();
      err.println("vfsim: out of memory: the simulated machine needs more than this JVM's "
          + (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap (try a smaller --size,"
          + " --dataless, or more heap with JAVA_TOOL_OPTIONS=-Xmx...)");
      return 1;
    } catch (StackOverflowError e) {
      out.flush();
      err.println("vfsim: internal error: stack overflow");
      return 1;
    } finally {
      me.setContextClassLoader(before);
      out.flush();
      err.flush();
    }
  }

  /**
   * Declares {@code --plugin JAR} on every command, so that help shows it and parsing accepts it
   * anywhere; {@link PluginPath} already read its values before the plugins were loaded.
   */
  private static void addPluginOption(CommandLine cl) {
    cl.getCommandSpec().addOption(OptionSpec.builder(PluginPath.OPTION)
        .paramLabel("JAR").type(List.class).auxiliaryTypes(String.class)
        .description("Load filesystem types from this plugin jar (repeatable; also "
            + PluginPath.ENV + " and the plugins/ folder next to vfsim).")
        .build());
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandName().equals("help")) {
        addPluginOption(sub);
      }
    }
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
