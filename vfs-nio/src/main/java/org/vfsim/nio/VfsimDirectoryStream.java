package org.vfsim.nio;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of one {@code getdents64} call, without "." and "..", in the filesystem's order;
 * like the JDK's, a snapshot need not reflect later changes, and iterates once.
 */
final class VfsimDirectoryStream implements DirectoryStream<Path> {
  private final Path dir;
  private final List<String> names;
  private final Filter<? super Path> filter;
  private boolean closed;
  private boolean iterated;

  VfsimDirectoryStream(Path dir, List<String> names, Filter<? super Path> filter) {
    this.dir = dir;
    this.names = names;
    this.filter = filter;
  }

  @Override
  public synchronized Iterator<Path> iterator() {
    if (closed) {
      throw new IllegalStateException("Directory stream is closed");
    }
    if (iterated) {
      throw new IllegalStateException("Iterator already obtained");
    }
    iterated = true;
    return new Iterator<>() {
      private int next;
      private Path ready;

      @Override
      public boolean hasNext() {
        while (ready == null && next < names.size()) {
          synchronized (VfsimDirectoryStream.this) {
            if (closed) {
              return false;
            }
          }
          Path p = dir.resolve(names.get(next++));
          try {
            if (filter.accept(p)) {
              ready = p;
            }
          } catch (IOException e) {
            throw new DirectoryIteratorException(e);
          }
        }
        return ready != null;
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Path p = ready;
        ready = null;
        return p;
      }
    };
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
