package org.vfsim.nio.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Worked example 1: a write-ahead log. Each record is {@code [length u32][crc32c u32][bytes]};
 * {@link #commit} returns only once the record is durable, which takes {@code force(true)} on
 * the log and, the first time, on its directory (a new file's name is directory data).
 * {@link #recover} returns the longest prefix of intact records, so a torn tail is ignored.
 */
public class WriteAheadLog implements Closeable {
  private final FileChannel log;

  public WriteAheadLog(Path file) throws IOException {
    boolean created = !Files.exists(file);
    this.log = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    if (created) {
      sync(log);
      try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(),
          StandardOpenOption.READ)) {
        sync(dir);
      }
    }
  }

  /** Appends {@code record}; when this returns, a power cut no longer loses it. */
  public void commit(String record) throws IOException {
    byte[] data = record.getBytes(UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(data);
    ByteBuffer buf = ByteBuffer.allocate(8 + data.length);
    buf.putInt(data.length).putInt((int) crc.getValue()).put(data).flip();
    while (buf.hasRemaining()) {
      log.write(buf);
    }
    sync(log);
  }

  /** The durability point: {@code fsync(2)}. The planted variant leaves it out. */
  protected void sync(FileChannel ch) throws IOException {
    ch.force(true);
  }

  /** The records a restart finds: every intact record up to the first torn or missing one. */
  public static List<String> recover(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
    while (buf.remaining() >= 8) {
      int len = buf.getInt();
      int sum = buf.getInt();
      if (len < 0 || len > buf.remaining()) {
        break;
      }
      byte[] data = new byte[len];
      buf.get(data);
      CRC32C crc = new CRC32C();
      crc.update(data);
      if ((int) crc.getValue() != sum) {
        break;
      }
      out.add(new String(data, UTF_8));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
