package org.vfsim.nio;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Stat;

/**
 * A {@code struct stat} as {@link PosixFileAttributes}. Times are simulated time since the
 * machine's epoch; there is no birth time, so creation time is mtime, as the JDK reports it on a
 * Linux filesystem without {@code statx} birth times.
 */
final class StatAttributes implements PosixFileAttributes {
  /** {@code (st_dev, st_ino)}: what {@link #fileKey} compares, as {@code UnixFileKey}. */
  record FileKey(long dev, long ino) {}

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  private final Stat st;

  StatAttributes(Stat st) {
    this.st = st;
  }

  Stat stat() {
    return st;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(BITS[i]);
      }
    }
    return out;
  }

  static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (perms.contains(BITS[i])) {
        mode |= 1 << i;
      }
    }
    return mode;
  }

  static FileTime time(long nanos) {
    return FileTime.from(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public FileTime lastModifiedTime() {
    return time(st.mtimeNanos());
  }

  @Override
  public FileTime lastAccessTime() {
    return time(st.atimeNanos());
  }

  @Override
  public FileTime creationTime() {
    return time(st.mtimeNanos());
  }

  @Override
  public boolean isRegularFile() {
    return st.type() == FileType.REGULAR;
  }

  @Override
  public boolean isDirectory() {
    return st.type() == FileType.DIRECTORY;
  }

  @Override
  public boolean isSymbolicLink() {
    return false;
  }

  @Override
  public boolean isOther() {
    return false;
  }

  @Override
  public long size() {
    return st.size();
  }

  @Override
  public Object fileKey() {
    return new FileKey(st.dev(), st.ino());
  }

  @Override
  public UserPrincipal owner() {
    return Principals.user(st.uid());
  }

  @Override
  public GroupPrincipal group() {
    return Principals.group(st.gid());
  }

  @Override
  public Set<PosixFilePermission> permissions() {
    return permissions(st.mode());
  }
}
