package org.vfsim.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The {@code --image} file: a simulated machine kept on the host between invocations. Layout:
 * magic {@code VFSIMIMG}, format version (u32), payload length (u64), CRC32C of the payload
 * (u32), payload. Written as a careful tool writes a file it must not lose: to a temporary file
 * in the same directory, fsynced, then renamed over the old one (and the directory fsynced), so
 * a crash leaves the old image or the new one, never a mix. A file that is not exactly what was
 * written is refused and left untouched.
 *
 * <p>Version 1 payload (Java serialization stream): filesystem type name, mkfs options, mount
 * options (UTF strings), the simulated clock's time in nanoseconds (long; the next run resumes
 * at exactly this time, no more and no less), then the device ({@code BlockDevice.saveTo}).
 */
final class MachineImage {
  static final byte[] MAGIC = "VFSIMIMG".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER = MAGIC.length + 4 + 8 + 4;

  interface PayloadWriter {
    void write(ObjectOutputStream out) throws IOException;
  }

  interface PayloadReader<T> {
    T read(ObjectInputStream in) throws IOException;
  }

  private MachineImage() {}

  static void write(Path image, PayloadWriter payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      payload.write(out);
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    header.put(MAGIC).putInt(VERSION).putLong(body.length).putInt((int) crc.getValue()).flip();
    Path abs = image.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(ch, header);
        writeFully(ch, ByteBuffer.wrap(body));
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new CliFailure(abs + ": cannot replace the image atomically: " + e.getMessage());
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void syncDirectory(Path dir) {
    // The rename is durable only once the directory is; not every platform lets us fsync one.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // best effort
    }
  }

  /** Reads and verifies {@code image}; throws CliFailure naming what is wrong with it. */
  static <T> T read(Path image, PayloadReader<T> reader) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(image);
    } catch (NoSuchFileException e) {
      throw new CliFailure(image + ": No such file or directory");
    }
    if (all.length < MAGIC.length
        || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new CliFailure(image + ": not a vfsim machine image (bad magic)");
    }
    if (all.length < HEADER) {
      throw new CliFailure(image + ": truncated vfsim image (header is " + all.length
          + " of " + HEADER + " bytes)");
    }
    ByteBuffer h = ByteBuffer.wrap(all, MAGIC.length, HEADER - MAGIC.length);
    int version = h.getInt();
    long length = h.getLong();
    int expectedCrc = h.getInt();
    if (version != VERSION) {
      throw new CliFailure(image + ": vfsim image format version " + version
          + " is not supported (this vfsim reads version " + VERSION + ")");
    }
    if (length != all.length - HEADER) {
      throw new CliFailure(image + ": truncated or padded vfsim image (payload is "
          + (all.length - HEADER) + " bytes, header says " + length + ")");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, HEADER, all.length - HEADER);
    if ((int) crc.getValue() != expectedCrc) {
      throw new CliFailure(image + ": vfsim image is damaged (CRC32C mismatch)");
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(all, HEADER, all.length - HEADER))) {
      return reader.read(in);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CliFailure || e instanceof org.vfsim.syscall.ErrnoException) {
        throw e;
      }
      throw new CliFailure(image + ": vfsim image payload unreadable: " + e);
    }
  }
}
