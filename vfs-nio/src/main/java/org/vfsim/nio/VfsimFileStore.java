package org.vfsim.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Set;
import org.vfsim.fs.StatFs;

/** The one mounted filesystem; its space is {@code statfs} of the mount, as {@code df} shows. */
final class VfsimFileStore extends FileStore {
  private final VfsimFileSystem fs;

  VfsimFileStore(VfsimFileSystem fs) {
    this.fs = fs;
  }

  private StatFs statfs() throws IOException {
    fs.checkOpen();
    return fs.host().onPath("/", null, sys -> sys.statfs(SimulatedHost.VOLUME));
  }

  @Override
  public String name() {
    return fs.host().device() == null ? fs.host().type().name() : fs.host().device().name();
  }

  @Override
  public String type() {
    return fs.host().type().name();
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public long getTotalSpace() throws IOException {
    StatFs s = statfs();
    return s.blocks() * s.bsize();
  }

  @Override
  public long getUsableSpace() throws IOException {
    StatFs s = statfs();
    return s.bavail() * s.bsize();
  }

  @Override
  public long getUnallocatedSpace() throws IOException {
    StatFs s = statfs();
    return s.bfree() * s.bsize();
  }

  @Override
  public long getBlockSize() throws IOException {
    return statfs().bsize();
  }

  @Override
  public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
    return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
        || type == FileOwnerAttributeView.class;
  }

  @Override
  public boolean supportsFileAttributeView(String name) {
    return Set.of("basic", "posix", "owner", "unix").contains(name);
  }

  @Override
  public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
    return null;
  }

  @Override
  public Object getAttribute(String attribute) throws IOException {
    return switch (attribute) {
      case "totalSpace" -> getTotalSpace();
      case "usableSpace" -> getUsableSpace();
      case "unallocatedSpace" -> getUnallocatedSpace();
      default -> throw new UnsupportedOperationException("'" + attribute + "' not recognized");
    };
  }

  @Override
  public String toString() {
    return SimulatedHost.VOLUME + " (" + name() + ")";
  }
}
