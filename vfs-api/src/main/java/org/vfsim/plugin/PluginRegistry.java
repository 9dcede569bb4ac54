package org.vfsim.plugin;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import javax.inject.Inject;
import org.vfsim.fs.FileSystemType;
import org.vfsim.syscall.Errno;

/**
 * The filesystem types this vfsim knows ({@code register_filesystem}): the built-in plugins
 * wired by Dagger multibindings, plus every {@link FileSystemType} that a jar on the class path
 * announces through {@code META-INF/services/org.vfsim.fs.FileSystemType}. A built-in name wins
 * over a discovered one with the same name.
 */
public final class PluginRegistry {
  private final ImmutableSortedMap<String, FileSystemType> types;
  private final String unknownHint;

  @Inject
  public PluginRegistry(Map<String, FileSystemType> builtIn) {
    this(builtIn, PluginRegistry.class.getClassLoader(), "");
  }

  public PluginRegistry(Map<String, FileSystemType> builtIn, ClassLoader loader) {
    this(builtIn, loader, "");
  }

  /**
   * @param unknownHint appended to the "unknown filesystem type" error: how this program's users
   *     add a plugin (a command line names its flags; a library says nothing)
   */
  public PluginRegistry(Map<String, FileSystemType> builtIn, ClassLoader loader,
      String unknownHint) {
    this.unknownHint = unknownHint;
    Map<String, FileSystemType> all = new TreeMap<>();
    for (FileSystemType t : ServiceLoader.load(FileSystemType.class, loader)) {
      all.put(t.name(), t);
    }
    builtIn.forEach((name, type) -> {
      if (!name.equals(type.name())) {
        throw new IllegalStateException("plugin bound as " + name + " calls itself " + type.name());
      }
      all.put(name, type);
    });
    this.types = ImmutableSortedMap.copyOf(all);
  }

  /** The type called {@code name}, or ENODEV ("unknown filesystem type") like mount(2). */
  public FileSystemType get(String name) {
    FileSystemType t = types.get(name);
    if (t == null) {
      throw Errno.ENODEV.exception("unknown filesystem type '" + name + "'; known: "
          + String.join(", ", types.keySet()) + unknownHint);
    }
    return t;
  }

  /** Where {@code type}'s classes were loaded from: a jar, a class folder, or built in. */
  public static PluginSource sourceOf(FileSystemType type) {
    return sourceOf(type.name(), type.getClass());
  }

  /** As above for any plugin class (an allocation policy) announced as {@code name}. */
  public static PluginSource sourceOf(String name, Class<?> c) {
    String location = "built in";
    try {
      java.security.CodeSource cs = c.getProtectionDomain().getCodeSource();
      if (cs != null && cs.getLocation() != null) {
        location = java.nio.file.Path.of(cs.getLocation().toURI()).toString();
      }
    } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException e) {
      // leave it "built in": the location is informational
    }
    Package p = c.getPackage();
    String version = p == null ? null : p.getImplementationVersion();
    return new PluginSource(name, location, version == null ? "unversioned" : version);
  }

  /** A filesystem type's origin, for {@code vfsim plugins} and report provenance. */
  public record PluginSource(String name, String location, String version) {}

  public ImmutableSortedMap<String, FileSystemType> all() {
    return types;
  }
}
