package org.vfsim.nio;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Joiner;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A POSIX path: an optional root "/" and names split on '/', kept as written ("." and ".." stay
 * until {@link #normalize}), as {@code UnixPath} does. The working directory is the root. The
 * empty path has one empty name.
 */
final class VfsimPath implements Path {
  private final VfsimFileSystem fs;
  private final boolean absolute;
  private final ImmutableList<String> names;

  private VfsimPath(VfsimFileSystem fs, boolean absolute, ImmutableList<String> names) {
    this.fs = fs;
    this.absolute = absolute;
    this.names = names;
  }

  static VfsimPath parse(VfsimFileSystem fs, String first, String... more) {
    StringBuilder sb = new StringBuilder(checkNotNull(first));
    for (String m : more) {
      if (!m.isEmpty()) {
        if (!sb.isEmpty()) {
          sb.append('/');
        }
        sb.append(m);
      }
    }
    String s = sb.toString();
    if (s.indexOf('\0') >= 0) {
      throw new java.nio.file.InvalidPathException(s, "Nul character not allowed");
    }
    boolean abs = s.startsWith("/");
    List<String> parts = Splitter.on('/').omitEmptyStrings().splitToList(s);
    if (!abs && parts.isEmpty()) {
      return new VfsimPath(fs, false, ImmutableList.of(""));
    }
    return new VfsimPath(fs, abs, ImmutableList.copyOf(parts));
  }

  private boolean isEmptyPath() {
    return !absolute && names.size() == 1 && names.get(0).isEmpty();
  }

  /** The names, with the empty path having none. */
  private List<String> effectiveNames() {
    return isEmptyPath() ? List.of() : names;
  }

  /** The normalized absolute form, as the kernel resolves it ("/" for the root). */
  String absoluteNormalized() {
    VfsimPath n = toAbsolutePath().normalize();
    return "/" + Joiner.on('/').join(n.names);
  }

  static VfsimPath check(Path p) {
    if (!(checkNotNull(p) instanceof VfsimPath v)) {
      throw new ProviderMismatchException("not a vfsim path: " + p);
    }
    return v;
  }

  @Override
  public VfsimFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return absolute;
  }

  @Override
  public Path getRoot() {
    return absolute ? new VfsimPath(fs, true, ImmutableList.of()) : null;
  }

  @Override
  public Path getFileName() {
    if (names.isEmpty()) {
      return null;
    }
    if (names.size() == 1 && !absolute) {
      return this;
    }
    return new VfsimPath(fs, false, ImmutableList.of(names.get(names.size() - 1)));
  }

  @Override
  public Path getParent() {
    if (names.isEmpty() || (names.size() == 1 && !absolute)) {
      return null;
    }
    return new VfsimPath(fs, absolute, names.subList(0, names.size() - 1));
  }

  @Override
  public int getNameCount() {
    return names.size();
  }

  @Override
  public Path getName(int index) {
    if (index < 0 || index >= names.size()) {
      throw new IllegalArgumentException("name index " + index);
    }
    return new VfsimPath(fs, false, ImmutableList.of(names.get(index)));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    if (beginIndex < 0 || endIndex > names.size() || beginIndex >= endIndex) {
      throw new IllegalArgumentException("subpath " + beginIndex + ".." + endIndex);
    }
    return new VfsimPath(fs, false, names.subList(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(other instanceof VfsimPath o) || o.fs != fs || o.absolute != absolute) {
      return false;
    }
    if (o.isEmptyPath()) {
      return isEmptyPath();
    }
    return o.names.size() <= names.size() && names.subList(0, o.names.size()).equals(o.names);
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(other instanceof VfsimPath o) || o.fs != fs) {
      return false;
    }
    if (o.absolute) {
      return equals(o);
    }
    if (o.isEmptyPath()) {
      return isEmptyPath();
    }
    int n = o.names.size();
    return n <= names.size() && names.subList(names.size() - n, names.size()).equals(o.names);
  }

  @Override
  public VfsimPath normalize() {
    List<String> out = new ArrayList<>();
    for (String n : effectiveNames()) {
      if (n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
          continue;
        }
        if (absolute) {
          continue; // "/.." is "/"
        }
      }
      out.add(n);
    }
    if (!absolute && out.isEmpty()) {
      return new VfsimPath(fs, false, ImmutableList.of(""));
    }
    return new VfsimPath(fs, absolute, ImmutableList.copyOf(out));
  }

  @Override
  public Path resolve(Path other) {
    VfsimPath o = check(other);
    if (o.absolute) {
      return o;
    }
    if (o.isEmptyPath()) {
      return this;
    }
    if (isEmptyPath()) {
      return o;
    }
    return new VfsimPath(fs, absolute,
        ImmutableList.<String>builder().addAll(names).addAll(o.names).build());
  }

  @Override
  public Path relativize(Path other) {
    VfsimPath o = check(other);
    if (o.absolute != absolute) {
      throw new IllegalArgumentException("'other' is different type of Path");
    }
    List<String> a = effectiveNames();
    List<String> b = o.effectiveNames();
    int common = 0;
    while (common < a.size() && common < b.size() && a.get(common).equals(b.get(common))) {
      common++;
    }
    List<String> out = new ArrayList<>();
    for (int i = common; i < a.size(); i++) {
      out.add("..");
    }
    out.addAll(b.subList(common, b.size()));
    return out.isEmpty() ? new VfsimPath(fs, false, ImmutableList.of(""))
        : new VfsimPath(fs, false, ImmutableList.copyOf(out));
  }

  @Override
  public URI toUri() {
    try {
      String p = absoluteNormalized();
      return new URI(VfsimFileSystemProvider.SCHEME, fs.name(), p, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public VfsimPath toAbsolutePath() {
    if (absolute) {
      return this;
    }
    return new VfsimPath(fs, true, ImmutableList.copyOf(effectiveNames()));
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    VfsimPath real = toAbsolutePath().normalize();
    if (!fs.provider().exists(real)) {
      throw new NoSuchFileException(toString());
    }
    return real;
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    // There is no vfsim WatchService (newWatchService throws), so any watcher is foreign.
    throw new ProviderMismatchException("vfsim has no WatchService");
  }

  @Override
  public Iterator<Path> iterator() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(getName(i));
    }
    return out.iterator();
  }

  @Override
  public int compareTo(Path other) {
    return toString().compareTo(check(other).toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VfsimPath p && p.fs == fs && p.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(fs), toString());
  }

  @Override
  public String toString() {
    String joined = Joiner.on('/').join(names);
    return absolute ? "/" + joined : joined;
  }
}
