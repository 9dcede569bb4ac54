package org.vfsim.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.vfsim.block.BlockDevice;

/**
 * The {@code --image} file: the simulated device's bytes at their offsets in a sparse host file
 * (holes where the device holds zeros), then an {@link ImageTrailer}. An ext2ish image is thus
 * an ext2 image with a trailer after it. Nothing in it is deserialized into Java objects; the
 * device's blocks are the filesystem's to check when it mounts.
 *
 * <p>A save writes a temporary file in the image's folder (the blocks in use, then the
 * trailer), fsyncs it, gives it the old image's mode and owner, renames it over the image and
 * fsyncs the folder, so a killed save leaves the old image or the new one. Through a symlink,
 * the target is replaced.
 */
final class MachineImage {
  /** The first bytes of a version 1 image (a Java serialization stream after a header). */
  static final byte[] OLD_MAGIC = "VFSIMIMG".getBytes(StandardCharsets.US_ASCII);
  /** At most this much is written or read at once, whatever the device's size. */
  private static final int CHUNK = 1 << 20;

  /**
   * Test-only (system property {@code vfsim.test.pauseSave}): a save stops halfway through its
   * temporary file, says so on standard error and waits to be killed, so a test can kill a save
   * in the middle without guessing when that is.
   */
  private static final boolean PAUSE_SAVE = Boolean.getBoolean("vfsim.test.pauseSave");

  private MachineImage() {}

  /**
   * An image path checked before any work: where it really is (symlinks followed), and whether
   * it exists. {@code shown} is the path as the user gave it, for messages.
   */
  record Target(Path shown, Path real, boolean exists) {}

  /**
   * Checks {@code image} as a run that may save it needs: an existing image is a regular file
   * (not a directory, FIFO, device or socket) with one link; a new one's folder exists and is a
   * folder. Throws CliFailure naming the path.
   */
  static Target check(Path image, boolean willSave) {
    Path shown = image;
    Path real = image.toAbsolutePath();
    try {
      for (int hops = 0; Files.isSymbolicLink(real); hops++) {
        if (hops > 40) {
          throw new CliFailure(shown + ": Too many levels of symbolic links");
        }
        real = real.resolveSibling(Files.readSymbolicLink(real)).normalize();
      }
      if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
        PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
          throw new CliFailure(shown + ": Is a directory (an image is a regular file)");
        }
        if (!a.isRegularFile()) {
          throw new CliFailure(shown + ": not a regular file (" + kindOf(real)
              + "); an image is a regular file");
        }
        if (willSave) {
          Object links = Files.getAttribute(real, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
          if (links instanceof Integer n && n > 1) {
            // A save replaces the file by rename, which would leave the other names with the
            // old image; refusing keeps both. A symlink is the way to give an image two names.
            throw new CliFailure(shown + ": has " + n + " hard links; a save replaces the file"
                + " and would leave the other links behind (use a symbolic link instead)");
          }
        }
        return new Target(shown, real, true);
      }
      Path dir = real.getParent();
      if (!Files.exists(dir)) {
        throw new CliFailure(shown + ": No such file or directory (folder " + dir
            + " does not exist)");
      }
      if (!Files.isDirectory(dir)) {
        throw new CliFailure(shown + ": Not a directory (" + dir + " is not a folder)");
      }
      if (willSave && !Files.isWritable(dir)) {
        throw new CliFailure(shown + ": Permission denied (folder " + dir
            + " is not writable, the image cannot be created)");
      }
      return new Target(shown, real, false);
    } catch (IOException e) {
      throw new CliFailure(shown + ": " + ImageLock.hostReason(e));
    }
  }

  private static String kindOf(Path p) {
    try {
      Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int fmt = (Integer) mode & 0170000;
      return switch (fmt) {
        case 0010000 -> "a FIFO";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "type 0" + Integer.toOctalString(fmt);
      };
    } catch (IOException | RuntimeException e) {
      return "not a regular file";
    }
  }

  // ---- loading -------------------------------------------------------------------------------

  /** Reads and checks the trailer of an existing image; the device bytes are read later. */
  static ImageTrailer readTrailer(Target t) {
    Path p = t.real();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < ImageTrailer.MIN_LENGTH) {
        throw notAnImage(t, ch);
      }
      byte[] tail = read(ch, size - ImageTrailer.TAIL, ImageTrailer.TAIL);
      int length = ImageTrailer.lengthFromTail(tail, size);
      if (length < 0) {
        throw notAnImage(t, ch);
      }
      byte[] raw = read(ch, size - length, length);
      if (!ImageTrailer.hasMagic(raw)) {
        throw notAnImage(t, ch);
      }
      ImageTrailer trailer;
      try {
        trailer = ImageTrailer.decode(raw);
      } catch (ImageTrailer.Invalid e) {
        throw new CliFailure(t.shown() + ": " + e.getMessage());
      }
      if (size != trailer.deviceBytes() + length) {
        throw new CliFailure(t.shown() + ": wrong size for a vfsim image: " + size
            + " bytes, but its trailer says " + trailer.deviceBytes() + " device bytes + "
            + length + " (truncated or padded)");
      }
      return trailer;
    } catch (NoSuchFileException e) {
      throw new CliFailure(t.shown() + ": No such file or directory");
    } catch (IOException e) {
      throw new CliFailure(t.shown() + ": reading the image failed on the host: "
          + ImageLock.hostReason(e));
    }
  }

  private static CliFailure notAnImage(Target t, FileChannel ch) throws IOException {
    if (ch.size() >= OLD_MAGIC.length
        && java.util.Arrays.equals(read(ch, 0, OLD_MAGIC.length), OLD_MAGIC)) {
      return new CliFailure(t.shown() + ": vfsim image format version 1 (Java serialization)"
          + " is no longer read; make the image again");
    }
    return new CliFailure(t.shown() + ": not a vfsim machine image, or a truncated one (no"
        + " vfsim trailer at its end)");
  }

  /**
   * Puts the image's non-zero blocks on {@code dev}, reading only the host file's data ranges:
   * time and memory in proportion to the blocks in use.
   */
  static void readBlocks(Target t, ImageTrailer trailer, BlockDevice dev) {
    int bs = trailer.blockSize();
    long limit = trailer.deviceBytes();
    try (FileChannel ch = FileChannel.open(t.real(), StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      byte[] block = new byte[bs];
      for (long[] r : SparseFile.dataRanges(t.real(), limit)) {
        long start = r[0] / bs * bs;
        long end = Math.min(limit, (r[1] + bs - 1) / bs * bs);
        for (long at = start; at < end; at += CHUNK) {
          int n = (int) Math.min(CHUNK, end - at);
          buf.clear().limit(n);
          while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
              throw new CliFailure(t.shown() + ": the image shrank while it was read");
            }
          }
          for (int off = 0; off < n; off += bs) {
            if (!isZero(buf.array(), off, bs)) {
              System.arraycopy(buf.array(), off, block, 0, bs);
              dev.restoreBlock((at + off) / bs, block);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new CliFailure(t.shown() + ": reading the image failed on the host: "
          + ImageLock.hostReason(e));
    }
  }

  private static boolean isZero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] read(FileChannel ch, long at, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    return b.array();
  }

  // ---- saving --------------------------------------------------------------------------------

  private static Pattern tempPattern(Path real) {
    return Pattern.compile("\\." + Pattern.quote(real.getFileName().toString())
        + "\\.[0-9a-f]{16}\\.tmp");
  }

  /**
   * Deletes the temporary files a killed save of this image left behind, one line on {@code
   * err} for each. Only called with the image's lock held: a save holds the lock alone, so while
   * we hold it (even shared) no temporary file belongs to a save in progress; its process is
   * gone.
   */
  static void removeStaleTemporaries(Target t, java.io.PrintStream err) {
    Pattern mine = tempPattern(t.real());
    try (DirectoryStream<Path> d = Files.newDirectoryStream(t.real().getParent(),
        p -> mine.matcher(p.getFileName().toString()).matches())) {
      for (Path stale : d) {
        long size = Files.size(stale);
        if (Files.deleteIfExists(stale)) {
          err.println("vfsim: removed " + stale + " (" + size + " bytes), left by a save of "
              + t.shown() + " that did not finish (the image is the one before it)");
        }
      }
    } catch (IOException e) {
      // a stale temporary file is untidy, not wrong: the save below still replaces atomically
    }
  }

  /**
   * Writes the device's content ({@link BlockDevice#contentSnapshot}) and {@code trailer} to
   * the image atomically.
   */
  static void write(Target t, BlockDevice dev, ImageTrailer trailer) {
    Path real = t.real();
    Path dir = real.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = createTemporary(real);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        writeBlocks(ch, dev.contentSnapshot(), dev.blockSize(), tmp);
        writeFully(ch, ByteBuffer.wrap(trailer.encode()), trailer.deviceBytes());
        ch.force(true);
      }
      keepModeAndOwner(real, tmp);
      try {
        Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new CliFailure(t.shown() + ": cannot replace the image atomically on this host");
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new CliFailure(t.shown() + ": saving the image failed on the host: "
          + ImageLock.hostReason(e) + " (a host error, not the simulated device's; the image is"
          + " unchanged)");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // removed by the next save's cleanup
        }
      }
    }
  }

  private static Path createTemporary(Path real) throws IOException {
    for (int i = 0; ; i++) {
      Path tmp = real.resolveSibling(String.format(".%s.%016x.tmp", real.getFileName(),
          ThreadLocalRandom.current().nextLong()));
      try {
        // Default permissions (0666 less the umask), as any new file; the old image's mode
        // replaces them below.
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (i > 100) {
          throw e;
        }
      }
    }
  }

  /** Writes the blocks in order, runs of adjacent blocks in one request of at most CHUNK. */
  private static void writeBlocks(FileChannel ch, SortedMap<Long, byte[]> blocks, int bs,
      Path tmp) throws IOException {
    ByteBuffer run = ByteBuffer.allocate(CHUNK);
    long runStart = -1;
    long next = -1;
    int done = 0;
    for (Map.Entry<Long, byte[]> e : blocks.entrySet()) {
      long b = e.getKey();
      boolean pause = PAUSE_SAVE && done++ == blocks.size() / 2;
      if (runStart >= 0 && (b != next || run.remaining() < bs || pause)) {
        run.flip();
        writeFully(ch, run, runStart * bs);
        run.clear();
        runStart = -1;
      }
      if (pause) {
        pauseUntilKilled(tmp);
      }
      if (runStart < 0) {
        runStart = b;
      }
      run.put(e.getValue());
      next = b + 1;
    }
    if (runStart >= 0) {
      run.flip();
      writeFully(ch, run, runStart * bs);
    }
  }

  private static void pauseUntilKilled(Path tmp) {
    System.err.println("vfsim: save paused halfway through " + tmp);
    System.err.flush();
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // only a kill ends this
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  private static void keepModeAndOwner(Path real, Path tmp) throws IOException {
    if (!Files.exists(real)) {
      return;
    }
    PosixFileAttributes old = Files.readAttributes(real, PosixFileAttributes.class);
    PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
    view.setPermissions(old.permissions());
    try {
      if (!old.owner().equals(Files.getOwner(tmp))) {
        view.setOwner(old.owner());
      }
      view.setGroup(old.group());
    } catch (IOException e) {
      // Only root may give a file away (and a group only to one's own groups): the image then
      // belongs to whoever saved it, as with any editor that replaces a file.
    }
    // setuid/setgid bits were cleared by the chown; set the mode again after it.
    view.setPermissions(old.permissions());
  }

  private static void syncDirectory(Path dir) {
    // The rename is durable only once the directory is; not every platform lets us fsync one.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // best effort
    }
  }
}
