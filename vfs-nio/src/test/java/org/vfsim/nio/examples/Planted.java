package org.vfsim.nio.examples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The examples with the bugs their tests must catch (test scope only). */
final class Planted {
  private Planted() {}

  /** A log whose commit never calls {@code force(true)}: fast, and not durable. */
  static final class UnforcedLog extends WriteAheadLog {
    UnforcedLog(Path file) throws IOException {
      super(file);
    }

    @Override
    protected void sync(FileChannel ch) {
      // force(true) removed
    }
  }

  /** Saves in place (truncate, then write): ENOSPC half-way destroys the old document. */
  static final class InPlaceStore extends SettingsStore {
    private final Path file;

    InPlaceStore(Path file) {
      super(file);
      this.file = file;
    }

    @Override
    public void save(String content) throws IOException {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
    }
  }

  /** Writes a temporary file and renames, but leaks the temporary file when a write fails. */
  static final class LeakyStore extends SettingsStore {
    private final Path file;

    LeakyStore(Path file) {
      super(file);
      this.file = file;
    }

    @Override
    public void save(String content) throws IOException {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
