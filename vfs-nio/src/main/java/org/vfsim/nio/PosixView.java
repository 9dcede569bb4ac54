package org.vfsim.nio;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The basic, owner and POSIX views of one path: reads are {@code stat}, writes are
 * {@code utimensat}, {@code chmod} and {@code chown}.
 */
final class PosixView implements PosixFileAttributeView {
  private final VfsimFileSystemProvider provider;
  private final VfsimPath path;
  private final String name;

  PosixView(VfsimFileSystemProvider provider, VfsimPath path, String name) {
    this.provider = provider;
    this.path = path;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StatAttributes readAttributes() throws IOException {
    return provider.stat(path);
  }

  @Override
  public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime)
      throws IOException {
    provider.utimes(path, lastModifiedTime, lastAccessTime);
  }

  @Override
  public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
    provider.chmod(path, StatAttributes.mode(perms));
  }

  @Override
  public void setGroup(GroupPrincipal group) throws IOException {
    provider.chown(path, -1, Principals.id(group));
  }

  @Override
  public UserPrincipal getOwner() throws IOException {
    return readAttributes().owner();
  }

  @Override
  public void setOwner(UserPrincipal owner) throws IOException {
    provider.chown(path, Principals.id(owner), -1);
  }
}
