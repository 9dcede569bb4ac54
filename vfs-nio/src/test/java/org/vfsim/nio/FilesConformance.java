package org.vfsim.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code Files} API against POSIX semantics, as a program on Linux sees it: the cases Jimfs
 * tests, with the exceptions the JDK throws on Linux for each errno. It runs on each vfsim
 * filesystem ({@link VfsimFilesConformance}) and, to check the expectations themselves, on the
 * JDK's own filesystem in tmpfs ({@link LinuxTmpfsFilesTest}); on Jimfs it fails
 * ({@link ConformanceCatchesJimfsTest}).
 */
abstract class FilesConformance {
  /** An empty directory for this test: "/x" in a test means {@code root().resolve("x")}. */
  abstract Path root();

  /** Lets enough time pass for a new timestamp to differ at the filesystem's granularity. */
  void letTimePass() throws IOException {}

  final FileSystem fs() {
    return root().getFileSystem();
  }

  /** A location under the test's directory. */
  final Path p(String s) {
    return s.equals("/") ? root() : s.startsWith("/") ? root().resolve(s.substring(1))
        : root().resolve(s);
  }

  /** A path of the filesystem, for path algebra that touches no file. */
  final Path path(String s) {
    return fs().getPath(s);
  }

  // ---- paths ---------------------------------------------------------------------------------

  @Test
  void pathsSplitJoinAndNormalizeAsPosix() {
    Path a = path("/foo/./bar/../baz");
    assertEquals("/foo/./bar/../baz", a.toString());
    assertEquals("/foo/baz", a.normalize().toString());
    assertEquals(path("/"), a.getRoot());
    assertEquals("baz", a.getFileName().toString());
    assertEquals("/foo/./bar/..", a.getParent().toString());
    assertEquals(5, a.getNameCount());
    assertEquals(path("x/y"), path("x//y/"));
    assertEquals(path("/a/b/c"), path("/a").resolve("b/c"));
    assertEquals(path("/c"), path("/a").resolve("/c"));
    assertEquals(path("../c/d"), path("/a/b").relativize(path("/a/c/d")));
    assertEquals(path(""), path("/a").relativize(path("/a")));
    assertTrue(path("/a/b/c").startsWith(path("/a/b")));
    assertFalse(path("/a/b/c").startsWith(path("a/b")));
    assertTrue(path("/a/b/c").endsWith(path("b/c")));
    assertNull(path("/").getFileName());
    assertNull(path("a").getParent());
    assertEquals(1, path("").getNameCount());
    assertEquals(path("/"), path("/..").normalize());
    assertEquals(path("../x"), path("a/../../x").normalize());
    assertEquals(List.of("a", "b"), names(path("/a/b")));
    assertThrows(IllegalArgumentException.class, () -> path("/a").relativize(path("b")));
  }

  private static List<String> names(Path p) {
    List<String> out = new ArrayList<>();
    p.forEach(n -> out.add(n.toString()));
    return out;
  }

  @Test
  void uriRoundTripsThroughTheInstalledProvider() throws IOException {
    Path file = p("/dir/f.txt");
    Files.createDirectory(file.getParent());
    Files.writeString(file, "hello");
    URI uri = file.toUri();
    assertEquals(fs().provider().getScheme(), uri.getScheme());
    assertEquals(file, Paths.get(uri));
    assertEquals("hello", Files.readString(Path.of(uri)));
  }

  @Test
  void globMatcherMatchesPosixStrings() {
    assertTrue(fs().getPathMatcher("glob:/a/*.log").matches(path("/a/x.log")));
    assertFalse(fs().getPathMatcher("glob:/a/*.log").matches(path("/a/b/x.log")));
    assertTrue(fs().getPathMatcher("glob:**/*.log").matches(path("/a/b/x.log")));
    assertTrue(fs().getPathMatcher("regex:.*\\.txt").matches(path("f.txt")));
  }

  // ---- create, read, write -------------------------------------------------------------------

  @Test
  void createFileOnceThenAlreadyExists() throws IOException {
    Path f = Files.createFile(p("/f"));
    assertTrue(Files.isRegularFile(f));
    assertEquals(0, Files.size(f));
    assertThrows(FileAlreadyExistsException.class, () -> Files.createFile(f));
    assertThrows(NoSuchFileException.class, () -> Files.createFile(p("/missing/f")));
  }

  @Test
  void createFileUnderAFileIsNotADirectory() throws IOException {
    Files.createFile(p("/f"));
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> Files.createFile(p("/f/g")));
    assertEquals("Not a directory", e.getReason());
  }

  @Test
  void writeThenReadBack() throws IOException {
    byte[] data = new byte[3 * 4096 + 17];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    Path f = p("/data.bin");
    Files.write(f, data);
    assertArrayEquals(data, Files.readAllBytes(f));
    assertEquals(data.length, Files.size(f));
    Files.writeString(f, "short");
    assertEquals("short", Files.readString(f), "TRUNCATE_EXISTING by default");
    Files.writeString(f, "+more", StandardOpenOption.APPEND);
    assertEquals("short+more", Files.readString(f));
    assertEquals(List.of("short+more"), Files.readAllLines(f));
  }

  @Test
  void readMissingFileIsNoSuchFile() {
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> Files.readAllBytes(p("/nope")));
    assertEquals(p("/nope").toString(), e.getFile());
  }

  @Test
  void directoriesAreNotReadOrWrittenAsFiles() throws IOException {
    Files.createDirectory(p("/d"));
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> Files.newOutputStream(p("/d")));
    assertEquals("Is a directory", e.getReason());
    try (InputStream in = Files.newInputStream(p("/d"))) {
      IOException r = assertThrows(IOException.class, in::read);
      assertEquals("Is a directory", r.getMessage());
    }
  }

  @Test
  void longNameIsRejected() {
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> Files.createFile(p("/" + "n".repeat(256))));
    assertEquals("File name too long", e.getReason());
  }

  /** The JDK adds owner-only permissions by itself only on the default filesystem: ask. */
  @Test
  void temporaryFilesTakeTheirPermissions() throws IOException {
    Path tmp = Files.createTempFile(p("/"), "pre", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    assertTrue(tmp.getFileName().toString().startsWith("pre"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)));
    Path dir = Files.createTempDirectory(p("/"), "d",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    Files.writeString(tmp, "t");
    Files.move(tmp, dir.resolve("kept"));
    assertEquals("t", Files.readString(dir.resolve("kept")));
  }

  // ---- directories ---------------------------------------------------------------------------

  @Test
  void createDirectoryAndDirectories() throws IOException {
    Files.createDirectory(p("/a"));
    assertTrue(Files.isDirectory(p("/a")));
    assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(p("/a")));
    assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(p("/")));
    assertThrows(NoSuchFileException.class, () -> Files.createDirectory(p("/x/y")));
    Files.createDirectories(p("/a/b/c/d"));
    assertTrue(Files.isDirectory(p("/a/b/c/d")));
    Files.createDirectories(p("/a/b/c/d"));
  }

  @Test
  void listingShowsEntriesWithoutDots() throws IOException {
    Files.createDirectory(p("/d"));
    for (String n : List.of("b", "a", "c.txt")) {
      Files.createFile(p("/d/" + n));
    }
    Files.createDirectory(p("/d/sub"));
    List<String> seen = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p("/d"))) {
      ds.forEach(x -> seen.add("/" + root().relativize(x)));
    }
    seen.sort(null);
    assertEquals(List.of("/d/a", "/d/b", "/d/c.txt", "/d/sub"), seen);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p("/d"), "*.txt")) {
      List<Path> txt = new ArrayList<>();
      ds.forEach(txt::add);
      assertEquals(List.of(p("/d/c.txt")), txt);
    }
    try (Stream<Path> s = Files.list(p("/d"))) {
      assertEquals(4, s.count());
    }
    try (Stream<Path> s = Files.walk(p("/"))) {
      assertEquals(6, s.count(), "/, /d, 3 files, /d/sub");
    }
    assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(p("/d/a")));
    assertThrows(NoSuchFileException.class, () -> Files.newDirectoryStream(p("/none")));
  }

  // ---- delete --------------------------------------------------------------------------------

  @Test
  void deleteFollowsUnlinkAndRmdir() throws IOException {
    Files.createDirectories(p("/d/e"));
    Files.createFile(p("/d/f"));
    assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(p("/d")));
    Files.delete(p("/d/f"));
    Files.delete(p("/d/e"));
    Files.delete(p("/d"));
    assertFalse(Files.exists(p("/d")));
    assertTrue(Files.notExists(p("/d")));
    assertThrows(NoSuchFileException.class, () -> Files.delete(p("/d")));
    assertFalse(Files.deleteIfExists(p("/d")));
  }

  @Test
  void unlinkedOpenFileStaysReadable() throws IOException {
    Path f = p("/f");
    Files.writeString(f, "still here");
    try (SeekableByteChannel ch = Files.newByteChannel(f)) {
      Files.delete(f);
      assertFalse(Files.exists(f));
      ByteBuffer buf = ByteBuffer.allocate(64);
      ch.read(buf);
      assertEquals("still here", new String(buf.array(), 0, buf.position(), UTF_8));
    }
  }

  // ---- move and copy -------------------------------------------------------------------------

  @Test
  void moveIsRenameAndRefusesToClobberUnlessAsked() throws IOException {
    Files.writeString(p("/a"), "A");
    Files.writeString(p("/b"), "B");
    assertThrows(FileAlreadyExistsException.class, () -> Files.move(p("/a"), p("/b")));
    Files.move(p("/a"), p("/b"), StandardCopyOption.REPLACE_EXISTING);
    assertEquals("A", Files.readString(p("/b")));
    assertFalse(Files.exists(p("/a")));
    Files.writeString(p("/c"), "C");
    Files.move(p("/c"), p("/b"), StandardCopyOption.ATOMIC_MOVE);
    assertEquals("C", Files.readString(p("/b")), "rename(2) replaces atomically");
    assertThrows(NoSuchFileException.class, () -> Files.move(p("/zz"), p("/yy")));
  }

  @Test
  void moveDirectoryWithContents() throws IOException {
    Files.createDirectories(p("/d/e"));
    Files.writeString(p("/d/e/f"), "x");
    Files.move(p("/d"), p("/moved"));
    assertEquals("x", Files.readString(p("/moved/e/f")));
    Files.createDirectories(p("/full/x"));
    assertThrows(DirectoryNotEmptyException.class,
        () -> Files.move(p("/moved"), p("/full"), StandardCopyOption.REPLACE_EXISTING));
    FileSystemException into = assertThrows(FileSystemException.class,
        () -> Files.move(p("/moved"), p("/moved/e/inside")));
    assertEquals("Invalid argument", into.getReason());
    FileSystemException kinds = assertThrows(FileSystemException.class,
        () -> Files.move(p("/moved/e/f"), p("/full"), StandardCopyOption.ATOMIC_MOVE));
    assertEquals("Is a directory", kinds.getReason());
  }

  @Test
  void copyFileDataAndOptionallyTimes() throws IOException {
    Files.writeString(p("/src"), "payload");
    FileTime old = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(p("/src"), old);
    Files.copy(p("/src"), p("/dst"));
    assertEquals("payload", Files.readString(p("/dst")));
    assertThrows(FileAlreadyExistsException.class, () -> Files.copy(p("/src"), p("/dst")));
    Files.writeString(p("/src"), "newer");
    Files.copy(p("/src"), p("/dst"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
    assertEquals("newer", Files.readString(p("/dst")));
    assertEquals(Files.getLastModifiedTime(p("/src")), Files.getLastModifiedTime(p("/dst")));
    Files.createDirectory(p("/dir"));
    Files.writeString(p("/dir/inner"), "i");
    Files.copy(p("/dir"), p("/dir2"));
    assertTrue(Files.isDirectory(p("/dir2")));
    try (Stream<Path> s = Files.list(p("/dir2"))) {
      assertEquals(0, s.count(), "copying a directory copies no entries");
    }
  }

  // ---- channels ------------------------------------------------------------------------------

  @Test
  void fileChannelPositionsSizesAndTruncates() throws IOException {
    try (FileChannel ch = FileChannel.open(p("/f"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      assertEquals(5, ch.write(ByteBuffer.wrap("hello".getBytes(UTF_8))));
      assertEquals(5, ch.position());
      assertEquals(5, ch.size());
      ch.write(ByteBuffer.wrap("X".getBytes(UTF_8)), 10_000);
      assertEquals(10_001, ch.size(), "a write past EOF extends the file");
      assertEquals(5, ch.position(), "positional writes leave the position");
      ByteBuffer hole = ByteBuffer.allocate(100);
      ch.read(hole, 5000);
      assertArrayEquals(new byte[100], hole.array(), "the hole reads as zeros");
      ch.truncate(3);
      assertEquals(3, ch.size());
      assertEquals(3, ch.position(), "truncate clamps the position");
      ch.truncate(100);
      assertEquals(3, ch.size(), "truncate never extends");
      ch.position(0);
      ByteBuffer all = ByteBuffer.allocate(10);
      assertEquals(3, ch.read(all));
      assertEquals(-1, ch.read(all));
      ch.force(true);
      ch.force(false);
    }
    assertThrows(FileAlreadyExistsException.class,
        () -> FileChannel.open(p("/f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  @Test
  void channelModesAreEnforced() throws IOException {
    Files.writeString(p("/f"), "abc");
    try (FileChannel r = FileChannel.open(p("/f"), StandardOpenOption.READ)) {
      assertThrows(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1)));
      assertThrows(NonWritableChannelException.class, () -> r.truncate(0));
    }
    try (FileChannel w = FileChannel.open(p("/f"), StandardOpenOption.WRITE)) {
      assertThrows(NonReadableChannelException.class, () -> w.read(ByteBuffer.allocate(1)));
    }
    assertThrows(IllegalArgumentException.class, () -> FileChannel.open(p("/f"),
        StandardOpenOption.READ, StandardOpenOption.APPEND));
    FileChannel c = FileChannel.open(p("/f"));
    c.close();
    assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1)));
    assertThrows(NoSuchFileException.class,
        () -> FileChannel.open(p("/nope"), StandardOpenOption.WRITE));
  }

  @Test
  void appendWritesAtTheEndWhateverThePosition() throws IOException {
    Files.writeString(p("/log"), "12345");
    try (FileChannel ch = FileChannel.open(p("/log"), StandardOpenOption.APPEND)) {
      ch.position(0);
      ch.write(ByteBuffer.wrap("678".getBytes(UTF_8)));
      assertEquals(8, ch.position());
    }
    assertEquals("12345678", Files.readString(p("/log")));
  }

  @Test
  void deleteOnCloseAndTruncateExisting() throws IOException {
    Files.writeString(p("/t"), "long content");
    try (SeekableByteChannel ch = Files.newByteChannel(p("/t"), StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.DELETE_ON_CLOSE)) {
      assertEquals(0, ch.size());
    }
    assertFalse(Files.exists(p("/t")));
  }

  @Test
  void scatterGatherAndTransfer() throws IOException {
    try (FileChannel ch = FileChannel.open(p("/g"), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(new ByteBuffer[] {ByteBuffer.wrap("ab".getBytes(UTF_8)),
          ByteBuffer.wrap("cd".getBytes(UTF_8))});
      ch.position(0);
      ByteBuffer x = ByteBuffer.allocate(1);
      ByteBuffer y = ByteBuffer.allocate(3);
      assertEquals(4, ch.read(new ByteBuffer[] {x, y}));
      assertEquals("bcd", new String(y.array(), UTF_8));
      try (FileChannel out = FileChannel.open(p("/h"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        assertEquals(4, ch.transferTo(0, 100, out));
      }
    }
    assertEquals("abcd", Files.readString(p("/h")));
  }

  // ---- attributes ----------------------------------------------------------------------------

  @Test
  void newFilesGetModesThroughTheUmask() throws IOException {
    Files.createFile(p("/f"));
    Files.createDirectory(p("/d"));
    assertEquals("rw-r--r--",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p("/f"))));
    assertEquals("rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p("/d"))));
    Files.createFile(p("/g"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxrwxrwx")));
    assertEquals("rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p("/g"))));
    Files.setPosixFilePermissions(p("/f"), PosixFilePermissions.fromString("r--------"));
    assertEquals("r--------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p("/f"))));
    assertEquals(0100400, Files.getAttribute(p("/f"), "unix:mode"));
    assertEquals("root", Files.getOwner(p("/f")).getName());
  }

  @Test
  void basicAndPosixAttributes() throws IOException {
    Files.write(p("/f"), new byte[1234]);
    BasicFileAttributes b = Files.readAttributes(p("/f"), BasicFileAttributes.class);
    assertEquals(1234, b.size());
    assertTrue(b.isRegularFile());
    assertFalse(b.isDirectory() || b.isSymbolicLink() || b.isOther());
    PosixFileAttributes px = Files.readAttributes(p("/f"), PosixFileAttributes.class);
    assertEquals("root", px.group().getName());
    Map<String, Object> m = Files.readAttributes(p("/f"), "basic:size,isDirectory");
    assertEquals(Map.of("size", 1234L, "isDirectory", false), m);
    assertEquals(1, Files.getAttribute(p("/f"), "unix:nlink"));
    assertThrows(UnsupportedOperationException.class,
        () -> Files.readAttributes(p("/f"), "acl:*"));
    assertThrows(IllegalArgumentException.class,
        () -> Files.readAttributes(p("/f"), "basic:colour"));
    FileTime t = FileTime.fromMillis(86_400_000L);
    Files.setLastModifiedTime(p("/f"), t);
    assertEquals(t, Files.getLastModifiedTime(p("/f")));
    Files.setAttribute(p("/f"), "basic:lastAccessTime", t);
    assertEquals(t, Files.getAttribute(p("/f"), "lastAccessTime"));
  }

  @Test
  void writesMoveMtimeForward() throws IOException {
    Files.writeString(p("/f"), "a");
    FileTime before = FileTime.fromMillis(0);
    Files.setLastModifiedTime(p("/f"), before);
    letTimePass();
    Files.writeString(p("/f"), "b", StandardOpenOption.APPEND);
    assertTrue(Files.getLastModifiedTime(p("/f")).compareTo(before) > 0);
  }

  @Test
  void sameFileIsSameInode() throws IOException {
    Files.createDirectory(p("/d"));
    Files.createFile(p("/d/f"));
    assertTrue(Files.isSameFile(p("/d/f"), p("/d/../d/./f")));
    assertFalse(Files.isSameFile(p("/d/f"), p("/d")));
    assertEquals(Files.readAttributes(p("/d/f"), BasicFileAttributes.class).fileKey(),
        Files.readAttributes(p("d/f"), BasicFileAttributes.class).fileKey());
    assertTrue(Files.isHidden(p("/d/.x")));
  }

  @Test
  void accessChecksAsRoot() throws IOException {
    Files.createFile(p("/f"));
    fs().provider().checkAccess(p("/f"), AccessMode.READ, AccessMode.WRITE);
    assertThrows(AccessDeniedException.class,
        () -> fs().provider().checkAccess(p("/f"), AccessMode.EXECUTE));
    assertTrue(Files.isReadable(p("/f")) && Files.isWritable(p("/f")));
    assertFalse(Files.isExecutable(p("/f")));
    assertThrows(NoSuchFileException.class,
        () -> fs().provider().checkAccess(p("/none")));
  }
}
