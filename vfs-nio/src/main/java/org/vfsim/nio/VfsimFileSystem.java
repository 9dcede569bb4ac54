package org.vfsim.nio;

import com.google.common.collect.ImmutableSet;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@code java.nio} view of one simulated machine's filesystem. Closing it closes its channels
 * and unmounts cleanly (everything written becomes durable, as at shutdown); a power cut
 * (see {@link Faults}) stops it instead.
 */
final class VfsimFileSystem extends FileSystem {
  private final VfsimFileSystemProvider provider;
  private final String name;
  private final SimulatedHost host;
  private final VfsimFileStore store;
  private final Faults faults;
  private final Set<VfsimFileChannel> channels = new LinkedHashSet<>();
  private volatile boolean open = true;

  VfsimFileSystem(VfsimFileSystemProvider provider, String name, SimulatedHost host) {
    this.provider = provider;
    this.name = name;
    this.host = host;
    this.store = new VfsimFileStore(this);
    this.faults = new Faults(this);
  }

  String name() {
    return name;
  }

  SimulatedHost host() {
    return host;
  }

  Faults faults() {
    return faults;
  }

  VfsimFileStore store() {
    return store;
  }

  void checkOpen() {
    if (!open) {
      throw new ClosedFileSystemException();
    }
  }

  synchronized void opened(VfsimFileChannel ch) {
    channels.add(ch);
  }

  synchronized void closed(VfsimFileChannel ch) {
    channels.remove(ch);
  }

  @Override
  public VfsimFileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() throws IOException {
    List<Integer> fds = new ArrayList<>();
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
      for (VfsimFileChannel ch : channels) {
        fds.add(ch.detach());
      }
      channels.clear();
    }
    host.shutdown(fds);
    provider.forget(this);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(getPath("/"));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of(store);
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return ImmutableSet.of("basic", "posix", "owner", "unix");
  }

  @Override
  public VfsimPath getPath(String first, String... more) {
    return VfsimPath.parse(this, first, more);
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    // The JDK's Unix matcher compiles glob and regex and matches a path's string form, which
    // is the same POSIX syntax here.
    PathMatcher m = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
    return path -> m.matches(java.nio.file.Path.of(path.toString()));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return Principals.LOOKUP;
  }

  /** Not supported: inotify would need change notification from the simulated VFS. */
  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("vfsim has no WatchService (no inotify)");
  }

  @Override
  public String toString() {
    return "vfsim://" + name + " (" + host.config() + ")";
  }
}
