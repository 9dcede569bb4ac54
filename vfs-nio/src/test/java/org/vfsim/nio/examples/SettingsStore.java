package org.vfsim.nio.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Worked example 2: saving a document so that a full disk never costs the old version. The new
 * content goes to a temporary file that is forced to disk, then renamed over the old one; if any
 * step fails (ENOSPC, EIO), the temporary file is deleted and the error reported, so the old
 * document and the free space are as before.
 */
public class SettingsStore {
  private final Path file;

  public SettingsStore(Path file) {
    this.file = file;
  }

  public String load() throws IOException {
    return Files.readString(file);
  }

  /** Replaces the document; on failure it throws, and the previous document is intact. */
  public void save(String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content.getBytes(UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true); // delayed allocation may only report ENOSPC here
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
}
