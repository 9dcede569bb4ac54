package org.vfsim.cli;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the command line finds plugin jars, in this order: each {@code --plugin JAR} (any
 * position on the command line, repeatable), each entry of {@code VFSIM_PLUGIN_PATH} (a
 * colon-separated list of jars or folders of jars), and the {@code plugins/} folder next to the
 * launcher (the launcher passes its folder as {@code -Dvfsim.home}). A jar named explicitly must
 * exist; a folder named by the environment may be empty or absent.
 */
final class PluginPath {
  static final String OPTION = "--plugin";
  static final String ENV = "VFSIM_PLUGIN_PATH";
  static final String HINT = "; a plugin jar is added with --plugin JAR, " + ENV
      + " or the plugins/ folder next to vfsim (see 'vfsim plugins --help')";

  private static final String LOADER_NAME = "vfsim-plugins";

  private final List<Path> jars;

  private PluginPath(List<Path> jars) {
    this.jars = List.copyOf(jars);
  }

  /** The plugin jars for {@code args} in this environment; CliFailure names a bad one. */
  static PluginPath resolve(String[] args, Map<String, String> env, String home) {
    Set<Path> jars = new LinkedHashSet<>();
    for (int i = 0; i < args.length; i++) {
      String value = null;
      if (args[i].equals(OPTION)) {
        if (i + 1 >= args.length) {
          throw CliFailure.usage(OPTION + " needs a jar file");
        }
        value = args[++i];
      } else if (args[i].startsWith(OPTION + "=")) {
        value = args[i].substring(OPTION.length() + 1);
      } else if (args[i].equals("--")) {
        break;
      }
      if (value != null) {
        jars.add(explicitJar(value));
      }
    }
    String path = env.get(ENV);
    if (path != null) {
      for (String entry : path.split(":")) {
        if (!entry.isEmpty()) {
          addEntry(jars, Path.of(entry), ENV);
        }
      }
    }
    if (home != null && !home.isEmpty()) {
      Path folder = Path.of(home, "plugins");
      if (Files.isDirectory(folder)) {
        addFolder(jars, folder, folder.toString());
      }
    }
    return new PluginPath(new ArrayList<>(jars));
  }

  private static Path explicitJar(String value) {
    Path p = Path.of(value);
    if (!Files.exists(p)) {
      throw CliFailure.usage(OPTION + " " + value + ": No such file or directory");
    }
    if (Files.isDirectory(p)) {
      throw CliFailure.usage(OPTION + " " + value + ": Is a directory (name a jar file)");
    }
    if (!Files.isReadable(p)) {
      throw CliFailure.usage(OPTION + " " + value + ": Permission denied");
    }
    return p.toAbsolutePath().normalize();
  }

  private static void addEntry(Set<Path> jars, Path p, String origin) {
    if (Files.isDirectory(p)) {
      addFolder(jars, p, origin);
    } else if (Files.isRegularFile(p)) {
      jars.add(p.toAbsolutePath().normalize());
    } else {
      throw CliFailure.usage(origin + " entry " + p + ": No such file or directory");
    }
  }

  private static void addFolder(Set<Path> jars, Path folder, String origin) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.jar")) {
      ds.forEach(found::add);
    } catch (IOException e) {
      throw CliFailure.usage(origin + ": " + folder + ": " + CliFailure.describe(e));
    }
    found.sort(null); // a stable order, whatever the directory's
    for (Path jar : found) {
      jars.add(jar.toAbsolutePath().normalize());
    }
  }

  List<Path> jars() {
    return jars;
  }

  /** A loader that sees the plugin jars after the command line's own classes. */
  ClassLoader loader(ClassLoader parent) {
    if (jars.isEmpty()) {
      return parent;
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw CliFailure.usage(jars.get(i) + ": not a usable jar path");
      }
    }
    return new URLClassLoader(LOADER_NAME, urls, parent);
  }

  /** Whether {@code c} came from a plugin jar rather than the command line's own class path. */
  static boolean isPluginClass(Class<?> c) {
    ClassLoader l = c.getClassLoader();
    return l != null && LOADER_NAME.equals(l.getName());
  }
}
