package org.vfsim.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.alloc.AllocationPolicies;
import org.vfsim.fs.alloc.AllocationPolicy;
import org.vfsim.plugin.PluginRegistry;
import picocli.CommandLine.Command;

/** {@code vfsim plugins}: what {@code --fs} accepts, and each type's options. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "List the filesystem types with their capabilities, mkfs/mount options and "
        + "where each was loaded from.",
    footer = {"", "Plugin jars are found, in this order, from each --plugin JAR, the entries of "
        + "VFSIM_PLUGIN_PATH (colon-separated jars or folders of jars) and the plugins/ folder "
        + "next to the vfsim launcher. A jar announces its types in "
        + "META-INF/services/org.vfsim.fs.FileSystemType and its allocation policies in "
        + "META-INF/services/org.vfsim.fs.alloc.AllocationPolicy."})
final class PluginsCommand implements Callable<Integer> {
  private final CliContext ctx;

  PluginsCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    PrintStream out = ctx.out();
    for (FileSystemType t : ctx.registry().all().values()) {
      out.println(t.name() + " - " + t.description());
      out.println("  from: " + origin(t));
      out.println("  capabilities: " + (t.capabilities().isEmpty() ? "(none)"
          : t.capabilities().stream().map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
              .sorted().collect(Collectors.joining(", "))));
      section(out, "mkfs options", t.mkfsOptions());
      section(out, "mount options", t.mountOptions());
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    out.println();
    out.println("allocation policies (policy=NAME on ext2ish and xfsish; "
        + AllocationPolicies.DEFAULT + " is each filesystem's own allocator):");
    for (AllocationPolicy p : AllocationPolicies.all(
        loader != null ? loader : PluginsCommand.class.getClassLoader()).values()) {
      out.println("  " + p.name() + " - " + p.description());
      out.println("    from: " + origin(p.name(), p.getClass()));
    }
    return 0;
  }

  /** "built in", or the plugin jar (and its version) a type was loaded from. */
  static String origin(FileSystemType t) {
    return origin(t.name(), t.getClass());
  }

  private static String origin(String name, Class<?> c) {
    if (!PluginPath.isPluginClass(c)) {
      return "built in";
    }
    PluginRegistry.PluginSource src = PluginRegistry.sourceOf(name, c);
    return src.location() + " (version " + src.version() + ")";
  }

  private static void section(PrintStream out, String title, java.util.List<OptionSpec> specs) {
    if (specs.isEmpty()) {
      out.println("  " + title + ": (none)");
      return;
    }
    out.println("  " + title + ":");
    int width = specs.stream().mapToInt(s -> s.usage().length()).max().orElse(0);
    for (OptionSpec s : specs) {
      out.printf("    %-" + width + "s  %s%n", s.usage(), s.help());
    }
  }
}
