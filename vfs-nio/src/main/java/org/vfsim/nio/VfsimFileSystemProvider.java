package org.vfsim.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.Stat;
import org.vfsim.syscall.Fcntl;

/**
 * The {@code vfsim} scheme: every {@code Files} operation becomes the system calls the JDK makes
 * on Linux for it, run by the program's task on the simulated machine, with the JDK's mapping
 * of their errors. URIs are {@code vfsim://NAME/path}; {@link #newFileSystem(URI, Map)} takes
 * the {@link Config} fields as environment keys.
 */
public final class VfsimFileSystemProvider extends FileSystemProvider {
  public static final String SCHEME = "vfsim";
  /** The process umask applied to modes of new files and directories, as a login shell's. */
  static final int UMASK = 022;

  private static final Map<String, VfsimFileSystem> FILESYSTEMS = new ConcurrentHashMap<>();
  private static final AtomicLong NAMES = new AtomicLong();

  /** The instance {@link java.nio.file.FileSystems} loads, or one of our own. */
  static VfsimFileSystemProvider instance() {
    for (FileSystemProvider p : FileSystemProvider.installedProviders()) {
      if (p instanceof VfsimFileSystemProvider v) {
        return v;
      }
    }
    return Holder.OWN;
  }

  private static final class Holder {
    static final VfsimFileSystemProvider OWN = new VfsimFileSystemProvider();
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  VfsimFileSystem create(Config config, String name) throws IOException {
    if (FILESYSTEMS.containsKey(name)) {
      throw new FileSystemAlreadyExistsException(name);
    }
    VfsimFileSystem fs = new VfsimFileSystem(this, name, SimulatedHost.format(config));
    if (FILESYSTEMS.putIfAbsent(name, fs) != null) {
      throw new FileSystemAlreadyExistsException(name);
    }
    return fs;
  }

  static String newName() {
    return "fs" + NAMES.incrementAndGet();
  }

  /** A new filesystem over the device of a stopped one (power cut or closed). */
  VfsimFileSystem reboot(VfsimFileSystem old) throws IOException {
    if (!old.host().stopped()) {
      throw new IllegalStateException(old + " still runs: cut its power or close it first");
    }
    VfsimFileSystem fs = new VfsimFileSystem(this, old.name(), SimulatedHost.reboot(old.host()));
    FILESYSTEMS.put(old.name(), fs);
    return fs;
  }

  void forget(VfsimFileSystem fs) {
    FILESYSTEMS.remove(fs.name(), fs);
  }

  /**
   * {@code vfsim://NAME} with environment keys {@code plugin}, {@code mkfsOptions},
   * {@code mountOptions}, {@code deviceBytes}, {@code blockSize}, {@code seed}.
   */
  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    String name = nameOf(uri);
    Config c = Config.defaults();
    for (Map.Entry<String, ?> e : env.entrySet()) {
      String v = String.valueOf(e.getValue());
      c = switch (e.getKey()) {
        case "plugin" -> c.plugin(v);
        case "mkfsOptions" -> c.mkfsOptions(v);
        case "mountOptions" -> c.mountOptions(v);
        case "deviceBytes" -> c.deviceBytes(Long.parseLong(v));
        case "blockSize" -> c.blockSize(Integer.parseInt(v));
        case "seed" -> c.seed(Long.parseLong(v));
        default -> throw new IllegalArgumentException("unknown vfsim option '" + e.getKey()
            + "' (plugin, mkfsOptions, mountOptions, deviceBytes, blockSize, seed)");
      };
    }
    return create(c, name);
  }

  private static String nameOf(URI uri) {
    if (!SCHEME.equalsIgnoreCase(uri.getScheme()) || uri.getAuthority() == null) {
      throw new IllegalArgumentException("not a vfsim://NAME URI: " + uri);
    }
    return uri.getAuthority();
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    VfsimFileSystem fs = FILESYSTEMS.get(nameOf(uri));
    if (fs == null) {
      throw new FileSystemNotFoundException(uri.toString());
    }
    return fs;
  }

  @Override
  public Path getPath(URI uri) {
    VfsimFileSystem fs = (VfsimFileSystem) getFileSystem(uri);
    String p = uri.getPath();
    return fs.getPath(p == null || p.isEmpty() ? "/" : p);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static VfsimPath path(Path p) {
    VfsimPath v = VfsimPath.check(p);
    v.getFileSystem().checkOpen();
    return v;
  }

  private static SimulatedHost host(VfsimPath p) {
    return p.getFileSystem().host();
  }

  private static String kpath(VfsimPath p) {
    return SimulatedHost.kernelPath(p.absoluteNormalized());
  }

  private static boolean isRoot(VfsimPath p) {
    return p.absoluteNormalized().equals("/");
  }

  StatAttributes stat(VfsimPath p) throws IOException {
    path(p);
    return new StatAttributes(host(p).onPath(p.toString(), null, sys -> sys.stat(kpath(p))));
  }

  boolean exists(VfsimPath p) throws IOException {
    try {
      stat(p);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static int modeOf(FileAttribute<?>[] attrs, int dflt) {
    int mode = dflt & ~UMASK;
    for (FileAttribute<?> a : attrs) {
      if (a.name().equals("posix:permissions") || a.name().equals("unix:permissions")) {
        @SuppressWarnings("unchecked")
        Set<PosixFilePermission> perms = (Set<PosixFilePermission>) a.value();
        mode = StatAttributes.mode(perms) & ~UMASK;
      } else {
        throw new UnsupportedOperationException("'" + a.name()
            + "' not supported as initial attribute");
      }
    }
    return mode;
  }

  // ---- files ---------------------------------------------------------------------------------

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    VfsimPath p = path(path);
    boolean append = options.contains(StandardOpenOption.APPEND);
    boolean write = options.contains(StandardOpenOption.WRITE) || append;
    boolean read = options.contains(StandardOpenOption.READ) || !write;
    if (read && append) {
      throw new IllegalArgumentException("READ + APPEND not allowed");
    }
    if (append && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
      throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
    }
    int flags = read && write ? Fcntl.O_RDWR : write ? Fcntl.O_WRONLY : Fcntl.O_RDONLY;
    for (OpenOption o : options) {
      if (!(o instanceof StandardOpenOption) && o != LinkOption.NOFOLLOW_LINKS) {
        throw new UnsupportedOperationException("open option " + o);
      }
    }
    if (write) {
      if (options.contains(StandardOpenOption.CREATE_NEW)) {
        flags |= Fcntl.O_CREAT | Fcntl.O_EXCL;
      } else if (options.contains(StandardOpenOption.CREATE)) {
        flags |= Fcntl.O_CREAT;
      }
      if (options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
        flags |= Fcntl.O_TRUNC;
      }
    }
    if (append) {
      flags |= Fcntl.O_APPEND;
    }
    if (options.contains(StandardOpenOption.SYNC)) {
      flags |= Fcntl.O_SYNC;
    } else if (options.contains(StandardOpenOption.DSYNC)) {
      flags |= Fcntl.O_DSYNC;
    }
    int mode = modeOf(attrs, 0666);
    int openFlags = flags;
    String name = p.toString();
    String k = kpath(p);
    SimulatedHost h = host(p);
    int[] fd = new int[1];
    Stat st = h.onPath(name, null, sys -> {
      fd[0] = sys.open(k, openFlags, mode);
      return sys.fstat(fd[0]);
    });
    Runnable onClose = () -> { };
    if (options.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
      onClose = () -> {
        try {
          h.onPath(name, null, sys -> {
            sys.unlink(k);
            return null;
          });
        } catch (IOException ignored) {
          // as the JDK: best effort
        }
      };
    }
    VfsimFileChannel ch = new VfsimFileChannel(p.getFileSystem(), name, fd[0], st, read, write,
        append, onClose);
    p.getFileSystem().opened(ch);
    return ch;
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    VfsimPath p = path(dir);
    List<DirEntry> entries = host(p).run(p.toString(), sys -> sys.readdir(kpath(p)),
        e -> Errnos.forDirectory(e, p.toString()));
    List<String> names = new ArrayList<>();
    for (DirEntry e : entries) {
      if (!e.name().equals(".") && !e.name().equals("..")) {
        names.add(e.name());
      }
    }
    return new VfsimDirectoryStream(dir, names, filter);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    VfsimPath p = path(dir);
    int mode = modeOf(attrs, 0777);
    host(p).onPath(p.toString(), null, sys -> {
      sys.mkdir(kpath(p), mode);
      return null;
    });
  }

  @Override
  public void delete(Path path) throws IOException {
    VfsimPath p = path(path);
    String name = p.toString();
    if (isRoot(p)) {
      throw new FileSystemException(name, null, "Device or resource busy");
    }
    host(p).onPath(name, null, sys -> {
      Stat st = sys.stat(kpath(p));
      if (st.type() == FileType.DIRECTORY) {
        sys.rmdir(kpath(p));
      } else {
        sys.unlink(kpath(p));
      }
      return null;
    });
  }

  /** Not supported by any vfsim filesystem: the kernel's EPERM for a filesystem without links. */
  @Override
  public void createLink(Path link, Path existing) throws IOException {
    VfsimPath l = path(link);
    VfsimPath e = path(existing);
    stat(e);
    if (exists(l)) {
      throw new FileAlreadyExistsException(l.toString());
    }
    throw new FileSystemException(l.toString(), e.toString(), "Operation not permitted");
  }

  /** Not supported: vfsim has no symbolic links (EPERM, as {@code vfs_symlink} without the op). */
  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs)
      throws IOException {
    VfsimPath l = path(link);
    if (exists(l)) {
      throw new FileAlreadyExistsException(l.toString());
    }
    throw new FileSystemException(l.toString(), null, "Operation not permitted");
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    VfsimPath l = path(link);
    stat(l);
    throw new NotLinkException(l.toString());
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    VfsimPath s = path(source);
    VfsimPath t = path(target);
    Set<CopyOption> opts = Set.of(options);
    for (CopyOption o : opts) {
      if (o != StandardCopyOption.REPLACE_EXISTING && o != StandardCopyOption.COPY_ATTRIBUTES
          && o != LinkOption.NOFOLLOW_LINKS) {
        throw new UnsupportedOperationException("Unsupported copy option " + o);
      }
    }
    StatAttributes src = stat(s);
    if (!replaceTarget(s, t, src, opts.contains(StandardCopyOption.REPLACE_EXISTING))) {
      return;
    }
    int mode = src.stat().mode();
    if (src.isDirectory()) {
      host(t).onPath(t.toString(), null, sys -> {
        sys.mkdir(kpath(t), mode);
        return null;
      });
    } else {
      try (FileChannel in = newFileChannel(s, Set.of(StandardOpenOption.READ));
          FileChannel out = newFileChannel(t, Set.of(StandardOpenOption.WRITE,
              StandardOpenOption.CREATE_NEW))) {
        ByteBuffer buf = ByteBuffer.allocate(64 << 10);
        while (in.read(buf) > 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            out.write(buf);
          }
          buf.clear();
        }
      }
      chmod(t, mode);
    }
    if (opts.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
      utimes(t, src.lastModifiedTime(), src.lastAccessTime());
    }
  }

  /**
   * The JDK's checks before a copy or a non-atomic move: false if source and target are the
   * same file; FileAlreadyExistsException unless replacing; a replaced target is deleted first.
   */
  private boolean replaceTarget(VfsimPath s, VfsimPath t, StatAttributes src, boolean replace)
      throws IOException {
    StatAttributes dst;
    try {
      dst = stat(t);
    } catch (NoSuchFileException e) {
      return true;
    }
    if (s.getFileSystem() == t.getFileSystem() && dst.fileKey().equals(src.fileKey())) {
      return false;
    }
    if (!replace) {
      throw new FileAlreadyExistsException(t.toString());
    }
    delete(t);
    return true;
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    VfsimPath s = path(source);
    VfsimPath t = path(target);
    Set<CopyOption> opts = Set.of(options);
    if (s.getFileSystem() != t.getFileSystem()) {
      if (opts.contains(StandardCopyOption.ATOMIC_MOVE)) {
        throw new AtomicMoveNotSupportedException(s.toString(), t.toString(),
            "Invalid cross-device link");
      }
      copy(s, t, StandardCopyOption.COPY_ATTRIBUTES, opts.contains(
          StandardCopyOption.REPLACE_EXISTING) ? StandardCopyOption.REPLACE_EXISTING
          : LinkOption.NOFOLLOW_LINKS);
      delete(s);
      return;
    }
    if (isRoot(s) || isRoot(t)) {
      throw new FileSystemException(s.toString(), t.toString(), "Device or resource busy");
    }
    if (!opts.contains(StandardCopyOption.ATOMIC_MOVE)) {
      StatAttributes src = stat(s);
      if (!replaceTarget(s, t, src, opts.contains(StandardCopyOption.REPLACE_EXISTING))) {
        return;
      }
    }
    host(s).onPath(s.toString(), t.toString(), sys -> {
      sys.rename(kpath(s), kpath(t));
      return null;
    });
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    if (path.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof VfsimPath) || path2.getFileSystem() != path.getFileSystem()) {
      return false;
    }
    return stat(path(path)).fileKey().equals(stat(path(path2)).fileKey());
  }

  @Override
  public boolean isHidden(Path path) {
    Path name = path(path).getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    VfsimPath p = path(path);
    stat(p);
    return p.getFileSystem().store();
  }

  /** {@code access(2)} as root: only execute needs a bit, on a file that is not a directory. */
  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    StatAttributes a = stat(path(path));
    for (AccessMode m : modes) {
      if (m == AccessMode.EXECUTE && !a.isDirectory() && (a.stat().mode() & 0111) == 0) {
        throw new AccessDeniedException(path.toString());
      }
    }
  }

  // ---- attributes ----------------------------------------------------------------------------

  void chmod(VfsimPath p, int mode) throws IOException {
    path(p);
    host(p).onPath(p.toString(), null, sys -> {
      Inode inode = sys.inode(kpath(p));
      inode.setMode(mode & 07777);
      return null;
    });
  }

  void chown(VfsimPath p, int uid, int gid) throws IOException {
    path(p);
    host(p).onPath(p.toString(), null, sys -> {
      Inode inode = sys.inode(kpath(p));
      inode.setOwner(uid < 0 ? inode.uid() : uid, gid < 0 ? inode.gid() : gid);
      inode.touchCtime();
      return null;
    });
  }

  void utimes(VfsimPath p, FileTime mtime, FileTime atime) throws IOException {
    path(p);
    host(p).onPath(p.toString(), null, sys -> {
      Inode inode = sys.inode(kpath(p));
      inode.setTimes(atime == null ? inode.atimeNanos() : nanos(atime),
          mtime == null ? inode.mtimeNanos() : nanos(mtime));
      return null;
    });
  }

  private static long nanos(FileTime t) {
    return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    VfsimPath p = path(path);
    if (type == BasicFileAttributeView.class) {
      return (V) new PosixView(this, p, "basic");
    }
    if (type == PosixFileAttributeView.class) {
      return (V) new PosixView(this, p, "posix");
    }
    if (type == FileOwnerAttributeView.class) {
      return (V) new PosixView(this, p, "owner");
    }
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    if (type == BasicFileAttributes.class || type == PosixFileAttributes.class) {
      return (A) stat(path(path));
    }
    throw new UnsupportedOperationException("attributes " + type.getName());
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    VfsimPath p = path(path);
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? "basic" : attributes.substring(0, colon);
    String list = colon < 0 ? attributes : attributes.substring(colon + 1);
    Map<String, Object> all = AttributeMaps.of(view, stat(p));
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (String a : list.split(",")) {
      if (a.equals("*")) {
        out.putAll(all);
      } else if (all.containsKey(a)) {
        out.put(a, all.get(a));
      } else {
        throw new IllegalArgumentException("'" + a + "' not recognized");
      }
    }
    return out;
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    VfsimPath p = path(path);
    int colon = attribute.indexOf(':');
    String view = colon < 0 ? "basic" : attribute.substring(0, colon);
    String name = colon < 0 ? attribute : attribute.substring(colon + 1);
    if (!Set.of("basic", "posix", "owner", "unix").contains(view)) {
      throw new UnsupportedOperationException("View '" + view + "' not available");
    }
    switch (name) {
      case "lastModifiedTime" -> utimes(p, (FileTime) value, null);
      case "lastAccessTime" -> utimes(p, null, (FileTime) value);
      case "creationTime" -> { } // no birth time, as on Linux: ignored
      case "permissions" -> {
        @SuppressWarnings("unchecked")
        Set<PosixFilePermission> perms = new HashSet<>((Set<PosixFilePermission>) value);
        chmod(p, StatAttributes.mode(perms));
      }
      case "owner" -> chown(p, Principals.id((UserPrincipal) value), -1);
      case "group" -> chown(p, -1, Principals.id((GroupPrincipal) value));
      case "mode" -> chmod(p, (Integer) value);
      case "uid" -> chown(p, (Integer) value, -1);
      case "gid" -> chown(p, -1, (Integer) value);
      default -> throw new IllegalArgumentException("'" + attribute + "' not recognized");
    }
  }
}
