package org.vfsim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import org.vfsim.plugin.PluginRegistry;

/** What every subcommand needs from its surroundings: the plugins and the three streams. */
record CliContext(PluginRegistry registry, InputStream in, PrintStream out, PrintStream err,
    boolean terminal) {}
