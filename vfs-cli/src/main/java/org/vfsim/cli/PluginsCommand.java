package org.vfsim.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.OptionSpec;
import picocli.CommandLine.Command;

/** {@code vfsim plugins}: what {@code --fs} accepts, and each type's options. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "List the filesystem types with their capabilities and mkfs/mount options.")
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
      out.println("  capabilities: " + (t.capabilities().isEmpty() ? "(none)"
          : t.capabilities().stream().map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
              .sorted().collect(Collectors.joining(", "))));
      section(out, "mkfs options", t.mkfsOptions());
      section(out, "mount options", t.mountOptions());
    }
    return 0;
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
