package org.vfsim.fs;

import com.google.common.base.Splitter;
import java.util.ArrayList;
import java.util.List;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Errno;

/**
 * The path walk and the namespace operations built on it, as the kernel's {@code fs/namei.c}
 * (with {@code readdir} of {@code fs/readdir.c}): normalizing a path, resolving it across mount
 * points, the parent of its last component, permission checks, and mkdir, rmdir, unlink, rename
 * and readdir under the directories' {@code i_rwsem}. {@link Vfs} answers for the mount table.
 */
final class Namei {
  private static final int NAME_MAX = 255;
  /** Linux's PATH_MAX counts the terminating NUL: a path of 4096 characters is too long. */
  private static final int PATH_MAX = 4096;

  private final Vfs vfs;

  Namei(Vfs vfs) {
    this.vfs = vfs;
  }

  /** The absolute, normalized form of {@code path}: ENOENT if empty, ENAMETOOLONG as getname(). */
  static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      throw Errno.ENOENT.exception("empty path");
    }
    if (path.length() >= PATH_MAX) {
      // getname() refuses it before any lookup.
      throw Errno.ENAMETOOLONG.exception("path of " + path.length() + " characters");
    }
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    List<String> parts = new ArrayList<>();
    for (String c : Splitter.on('/').omitEmptyStrings().split(path)) {
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      if (c.length() > NAME_MAX) {
        throw Errno.ENAMETOOLONG.exception(c);
      }
      parts.add(c);
    }
    return "/" + String.join("/", parts);
  }

  /** Whether the last component must be a directory: a trailing slash, "." or "..". */
  static boolean endsInDirectory(String path) {
    String last = path.substring(path.lastIndexOf('/') + 1);
    return path.endsWith("/") || last.equals(".") || last.equals("..");
  }

  /** Resolves an absolute path to its inode, crossing mount points. */
  Inode resolve(String path) {
    String p = normalize(path);
    Inode cur = vfs.rootOfMountAt("/", null);
    if (cur == null) {
      throw Errno.ENOENT.exception("no root filesystem");
    }
    StringBuilder at = new StringBuilder();
    for (String c : Splitter.on('/').omitEmptyStrings().split(p)) {
      if (!cur.isDirectory()) {
        throw Errno.ENOTDIR.exception(at.toString());
      }
      Inode next = cur.lookup(c);
      if (next == null) {
        throw Errno.ENOENT.exception(p);
      }
      at.append('/').append(c);
      cur = vfs.rootOfMountAt(at.toString(), next);
    }
    if (!cur.isDirectory() && endsInDirectory(path)) {
      // A trailing slash makes the walk LOOKUP_DIRECTORY: stat("file/") is ENOTDIR.
      throw Errno.ENOTDIR.exception(path);
    }
    return cur;
  }

  /** The directory that would hold {@code path}'s last component, and that component. */
  Vfs.Parent resolveParent(String path) {
    String p = normalize(path);
    if (p.equals("/")) {
      throw Errno.EBUSY.exception("the root has no parent entry");
    }
    int slash = p.lastIndexOf('/');
    Inode dir = resolve(slash == 0 ? "/" : p.substring(0, slash));
    if (!dir.isDirectory()) {
      throw Errno.ENOTDIR.exception(p);
    }
    return new Vfs.Parent(dir, p.substring(slash + 1), p);
  }

  /** {@code inode_permission}: the owner, group or other bits of the mode, root exempt. */
  static void checkPermission(Task task, Inode inode, boolean read, boolean write) {
    if (task.credentials().isRoot()) {
      return;
    }
    int m = inode.mode();
    int shift = task.credentials().uid() == inode.uid() ? 6
        : task.credentials().gid() == inode.gid() ? 3 : 0;
    int bits = (m >> shift) & 7;
    if ((read && (bits & 4) == 0) || (write && (bits & 2) == 0)) {
      throw Errno.EACCES.exception();
    }
  }

  // ---- namespace operations ----------------------------------------------------------------

  void mkdir(Task task, String path, int mode) {
    Vfs.Parent p = resolveParent(path);
    p.dir().rwsem().lock(task);
    try {
      if (p.dir().lookup(p.name()) != null) {
        throw Errno.EEXIST.exception(p.path());
      }
      checkPermission(task, p.dir(), false, true);
      Inode d = p.dir().mkdir(task, p.name(), mode);
      d.setOwner(task.credentials().uid(), task.credentials().gid());
      p.dir().touchTimes(true);
    } finally {
      p.dir().rwsem().unlock(task);
    }
  }

  void rmdir(Task task, String path) {
    Vfs.Parent p = resolveParent(path);
    if (vfs.isMountPoint(p.path())) {
      throw Errno.EBUSY.exception(p.path());
    }
    if (p.name().equals(".")) {
      throw Errno.EINVAL.exception();
    }
    p.dir().rwsem().lock(task);
    try {
      Inode victim = p.dir().lookup(p.name());
      if (victim == null) {
        throw Errno.ENOENT.exception(p.path());
      }
      if (!victim.isDirectory()) {
        throw Errno.ENOTDIR.exception(p.path());
      }
      if (!victim.readdir().isEmpty()) {
        throw Errno.ENOTEMPTY.exception(p.path());
      }
      checkPermission(task, p.dir(), false, true);
      p.dir().rmdir(task, p.name());
      victim.setNlink(0);
      p.dir().touchTimes(true);
      vfs.iput(task, victim, 0);
    } finally {
      p.dir().rwsem().unlock(task);
    }
  }

  void unlink(Task task, String path) {
    Vfs.Parent p = resolveParent(path);
    p.dir().rwsem().lock(task);
    Inode victim;
    try {
      victim = p.dir().lookup(p.name());
      if (victim == null) {
        throw Errno.ENOENT.exception(p.path());
      }
      if (victim.isDirectory()) {
        throw Errno.EISDIR.exception(p.path());
      }
      checkPermission(task, p.dir(), false, true);
      p.dir().unlink(task, p.name());
      p.dir().touchTimes(true);
    } finally {
      p.dir().rwsem().unlock(task);
    }
    vfs.iput(task, victim, 0);
  }

  void rename(Task task, String from, String to) {
    Vfs.Parent a = resolveParent(from);
    Vfs.Parent b = resolveParent(to);
    if (a.dir().superBlock() != b.dir().superBlock()) {
      throw Errno.EXDEV.exception();
    }
    if (vfs.isMountPoint(a.path()) || vfs.isMountPoint(b.path())) {
      throw Errno.EBUSY.exception();
    }
    if (b.path().startsWith(a.path() + "/")) {
      throw Errno.EINVAL.exception("rename a directory into itself");
    }
    Inode first = a.dir().ino() <= b.dir().ino() ? a.dir() : b.dir();
    Inode second = first == a.dir() ? b.dir() : a.dir();
    first.rwsem().lock(task);
    if (second != first) {
      second.rwsem().lock(task);
    }
    Inode replaced = null;
    try {
      Inode src = a.dir().lookup(a.name());
      if (src == null) {
        throw Errno.ENOENT.exception(a.path());
      }
      if (a.path().equals(b.path())) {
        return;
      }
      Inode dst = b.dir().lookup(b.name());
      if (dst != null) {
        if (src.isDirectory() && !dst.isDirectory()) {
          throw Errno.ENOTDIR.exception(b.path());
        }
        if (!src.isDirectory() && dst.isDirectory()) {
          throw Errno.EISDIR.exception(b.path());
        }
        if (dst.isDirectory() && !dst.readdir().isEmpty()) {
          throw Errno.ENOTEMPTY.exception(b.path());
        }
        if (dst.isDirectory()) {
          b.dir().rmdir(task, b.name());
          dst.setNlink(0);
        } else {
          b.dir().unlink(task, b.name());
        }
        replaced = dst;
      }
      a.dir().rename(task, a.name(), b.dir(), b.name());
      a.dir().touchTimes(true);
      b.dir().touchTimes(true);
    } finally {
      if (second != first) {
        second.rwsem().unlock(task);
      }
      first.rwsem().unlock(task);
    }
    if (replaced != null) {
      vfs.iput(task, replaced, 0);
    }
  }

  List<DirEntry> readdir(Task task, String path) {
    Inode d = resolve(path);
    if (!d.isDirectory()) {
      throw Errno.ENOTDIR.exception(path);
    }
    checkPermission(task, d, true, false);
    return d.readdir();
  }
}
