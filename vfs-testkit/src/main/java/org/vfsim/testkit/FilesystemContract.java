package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.function.Executable;
import org.vfsim.Configuration;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileType;
import org.vfsim.fs.OpenFile;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.Vfs;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.lockdep.LockdepReport;
import org.vfsim.lockdep.LockdepViolation;
import org.vfsim.mm.Mm;
import org.vfsim.mm.MmapLock;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * The conformance suite every filesystem plugin gets by extending this class and implementing
 * {@link #filesystem()}: every system call with its error cases, sparse files and
 * {@code SEEK_DATA}/{@code SEEK_HOLE}, truncate with mapped pages, fallocate modes, fsync and
 * power cuts, namespace operations on open files, {@code statfs}, and every race of the
 * write-path contract (spec section 7) staged deterministically with hooks. After each test the
 * kit runs the filesystem's fsck and the invariants of spec section 6. The cases of an open
 * file's lifetime under a concurrent close are in {@link FileReferenceContract}. A test that
 * needs a {@link Capability} the plugin does not declare is skipped with the reason.
 */
@ExtendWith(LockValidatorExtension.class)
@ExtendWith(FilesystemContract.ExplainLockdep.class)
public abstract class FilesystemContract implements FileReferenceContract {
  private static final int PAGE = Folio.SIZE;
  /** How long a staged race may take before the kit calls it a deadlock (not a sync point). */
  private static final long DEADLOCK_SECONDS = 20;

  /** The filesystem under test. */
  protected abstract FilesystemUnderTest filesystem();

  protected MountedFilesystem fs;
  protected Syscalls sys;
  private boolean checkAfter = true;

  @Override
  public final MountedFilesystem mounted() {
    return fs;
  }

  @BeforeEach
  final void mountFilesystem() {
    fs = MountedFilesystem.mount(filesystem());
    sys = fs.sys();
  }

  /** Spec section 6: fsck clean, statfs sane, no lock held, no lockdep report after every test. */
  @AfterEach
  final void checkInvariants() {
    if (checkAfter && fs != null) {
      Invariants.assertClean(fs);
    }
  }

  /**
   * A lockdep violation thrown in a system call is often replaced by the "lock held on return"
   * report that follows it; this rethrows it with every report the validator made, the cause
   * first, so the failure says which lock order the filesystem broke.
   */
  static final class ExplainLockdep implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown)
        throws Throwable {
      Object instance = context.getTestInstance().orElse(null);
      if (!(thrown instanceof LockdepViolation) || !(instance instanceof FilesystemContract c)
          || c.fs == null) {
        throw thrown;
      }
      StringBuilder sb = new StringBuilder("lockdep: the lock validator reported:\n");
      for (LockdepReport r : c.fs.machine().lockValidator().reports()) {
        sb.append(r.render().strip()).append('\n');
      }
      throw new AssertionError(sb.toString(), thrown);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private void requires(Capability c) {
    assumeTrue(filesystem().type().has(c),
        filesystem().type().name() + " does not declare " + c + "; skipped");
  }

  private static void assertErrno(Errno expected, Executable call) {
    ErrnoException e = assertThrows(ErrnoException.class, call);
    assertEquals(expected, e.errno(), e.getMessage());
  }

  private static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8) + 1);
      if (b[i] == 0) {
        b[i] = 1;
      }
    }
    return b;
  }

  private static byte[] fill(int len, int value) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private int create(String name) {
    return sys.open(fs.path(name), OpenFile.O_CREAT | OpenFile.O_RDWR, 0644);
  }

  private long usedBytes() {
    return fs.sb().allocatedDataBytes();
  }

  private static long allZeroUntil(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != 0) {
        return i;
      }
    }
    return b.length;
  }

  // ---- open, read, write: error cases ------------------------------------------------------

  @Test
  public void openOfMissingFileIsEnoent() {
    assertErrno(Errno.ENOENT, () -> sys.open(fs.path("missing"), OpenFile.O_RDONLY));
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("missing")));
    assertErrno(Errno.ENOENT, () -> sys.unlink(fs.path("missing")));
  }

  @Test
  public void exclusiveCreateOfExistingFileIsEexist() {
    sys.close(create("f"));
    assertErrno(Errno.EEXIST, () -> sys.open(fs.path("f"),
        OpenFile.O_CREAT | OpenFile.O_EXCL | OpenFile.O_RDWR, 0644));
  }

  @Test
  public void closedOrUnknownDescriptorIsEbadf() {
    int fd = create("f");
    sys.close(fd);
    assertErrno(Errno.EBADF, () -> sys.pwriteBytes(fd, new byte[1], 0));
    assertErrno(Errno.EBADF, () -> sys.preadBytes(fd, 1, 0));
    assertErrno(Errno.EBADF, () -> sys.close(fd));
    assertErrno(Errno.EBADF, () -> sys.fsync(12345));
  }

  @Test
  public void accessModeIsEnforcedWithEbadf() {
    sys.close(create("f"));
    int ro = sys.open(fs.path("f"), OpenFile.O_RDONLY);
    int wo = sys.open(fs.path("f"), OpenFile.O_WRONLY);
    assertErrno(Errno.EBADF, () -> sys.pwriteBytes(ro, new byte[1], 0));
    assertErrno(Errno.EBADF, () -> sys.preadBytes(wo, 1, 0));
    assertErrno(Errno.EINVAL, () -> sys.ftruncate(ro, 0));
    sys.close(ro);
    sys.close(wo);
  }

  @Test
  public void negativeOffsetsAndLengthsAreEinval() {
    int fd = create("f");
    long buf = sys.mmapAnonymous(PAGE);
    assertErrno(Errno.EINVAL, () -> sys.pwrite(fd, buf, 10, -1));
    assertErrno(Errno.EINVAL, () -> sys.pread(fd, buf, 10, -1));
    assertErrno(Errno.EINVAL, () -> sys.ftruncate(fd, -1));
    assertErrno(Errno.EINVAL, () -> sys.fallocate(fd, 0, -1, 10));
    assertErrno(Errno.EINVAL, () -> sys.fallocate(fd, 0, 0, 0));
    assertErrno(Errno.EINVAL, () -> sys.lseek(fd, -1, Vfs.SEEK_SET));
    assertErrno(Errno.EINVAL, () -> sys.lseek(fd, 0, 42));
    assertErrno(Errno.EINVAL, () -> sys.pwrite(fd, buf, 10, Long.MAX_VALUE - 4));
    assertEquals(0, sys.fstat(fd).size());
    sys.close(fd);
  }

  @Test
  public void writePastMaxBytesIsEfbigAndAWriteAcrossItIsShort() {
    long max = fs.sb().maxBytes();
    assumeTrue(max < Long.MAX_VALUE - PAGE, "s_maxbytes is unlimited; EFBIG cannot occur");
    int fd = create("f");
    assertErrno(Errno.EFBIG, () -> sys.pwriteBytes(fd, new byte[10], max));
    assertErrno(Errno.EFBIG, () -> sys.ftruncate(fd, max + 1));
    long n = sys.pwriteBytes(fd, pattern(100, 1), max - 40);
    assertEquals(40, n, "a write across s_maxbytes stops there");
    assertEquals(max, sys.fstat(fd).size());
    sys.close(fd);
  }

  @Test
  public void directoriesRefuseFileOperationsWithEisdir() {
    requires(Capability.DIRECTORIES);
    sys.mkdir(fs.path("d"), 0755);
    assertErrno(Errno.EISDIR, () -> sys.open(fs.path("d"), OpenFile.O_RDWR));
    assertErrno(Errno.EISDIR, () -> sys.unlink(fs.path("d")));
    int fd = sys.open(fs.path("d"), OpenFile.O_RDONLY);
    assertErrno(Errno.EISDIR, () -> sys.preadBytes(fd, 10, 0));
    sys.close(fd);
    assertErrno(Errno.EISDIR, () -> sys.truncate(fs.path("d"), 0));
  }

  @Test
  public void directoryErrnos() {
    requires(Capability.DIRECTORIES);
    sys.mkdir(fs.path("d"), 0755);
    assertErrno(Errno.EEXIST, () -> sys.mkdir(fs.path("d"), 0755));
    sys.close(create("d/f"));
    assertErrno(Errno.ENOTEMPTY, () -> sys.rmdir(fs.path("d")));
    assertErrno(Errno.ENOTDIR, () -> sys.rmdir(fs.path("d/f")));
    assertErrno(Errno.ENOTDIR, () -> sys.readdir(fs.path("d/f")));
    assertErrno(Errno.ENOENT, () -> sys.rmdir(fs.path("nothing")));
    sys.mkdir(fs.path("e"), 0755);
    sys.close(create("e/g"));
    assertErrno(Errno.ENOTEMPTY, () -> sys.rename(fs.path("d"), fs.path("e")));
    sys.unlink(fs.path("d/f"));
    sys.rmdir(fs.path("d"));
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("d")));
    assertErrno(Errno.ENOENT, () -> sys.rename(fs.path("d"), fs.path("x")));
  }

  @Test
  public void undeclaredOperationsAreEopnotsupp() {
    Set<Capability> caps = filesystem().type().capabilities();
    assumeFalse(caps.contains(Capability.FALLOCATE) && caps.contains(Capability.PUNCH_HOLE)
            && caps.contains(Capability.ZERO_RANGE) && caps.contains(Capability.REFLINK),
        "every optional operation is declared; nothing to refuse");
    int fd = create("f");
    int g = create("g");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    if (!caps.contains(Capability.FALLOCATE)) {
      assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, 0, 0, PAGE));
      assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, PAGE));
    }
    if (!caps.contains(Capability.PUNCH_HOLE)) {
      assertErrno(Errno.EOPNOTSUPP,
          () -> sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, 0, PAGE));
    }
    if (!caps.contains(Capability.ZERO_RANGE)) {
      assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, FallocMode.ZERO_RANGE, 0, PAGE));
    }
    if (!caps.contains(Capability.REFLINK)) {
      assertErrno(Errno.EOPNOTSUPP, () -> sys.cloneRange(fd, 0, g, 0, PAGE));
    }
    assertArrayEquals(pattern(2 * PAGE, 1), sys.preadBytes(fd, 2 * PAGE, 0),
        "a refused operation changed nothing");
    assertEquals(2 * PAGE, sys.fstat(fd).size());
    sys.close(fd);
    sys.close(g);
  }

  // ---- read and write semantics ------------------------------------------------------------

  @Test
  public void writeThenReadBackAtUnalignedOffsets() {
    int fd = create("f");
    long buf = sys.mmapAnonymous(4L * PAGE);
    byte[] data = pattern(3 * PAGE + 123, 2);
    sys.store(buf + 77, data);
    assertEquals(data.length, sys.pwrite(fd, buf + 77, data.length, 999));
    assertEquals(999 + data.length, sys.fstat(fd).size());
    assertArrayEquals(data, sys.preadBytes(fd, data.length, 999));
    assertArrayEquals(new byte[999], sys.preadBytes(fd, 999, 0), "bytes before the write are a hole");
    assertEquals(0, sys.preadBytes(fd, 10, 999 + data.length).length, "read at EOF returns 0");
    long out = sys.mmapAnonymous(4L * PAGE);
    assertEquals(data.length, sys.pread(fd, out, 4L * PAGE, 999), "read stops at EOF");
    assertArrayEquals(data, sys.load(out, data.length));
    sys.close(fd);
  }

  @Test
  public void fileOffsetAdvancesAndAppendWritesAtEof() {
    int fd = create("f");
    sys.writeBytes(fd, pattern(100, 1));
    sys.writeBytes(fd, pattern(50, 2));
    assertEquals(150, sys.lseek(fd, 0, Vfs.SEEK_CUR));
    sys.close(fd);
    int ap = sys.open(fs.path("f"), OpenFile.O_WRONLY | OpenFile.O_APPEND);
    sys.pwriteBytes(ap, pattern(10, 3), 0); // Linux: O_APPEND wins even for pwrite
    assertEquals(160, sys.fstat(ap).size());
    sys.close(ap);
    int rd = sys.open(fs.path("f"), OpenFile.O_RDONLY);
    assertArrayEquals(pattern(10, 3), sys.preadBytes(rd, 10, 150));
    assertArrayEquals(pattern(100, 1), sys.preadBytes(rd, 100, 0));
    sys.close(rd);
  }

  @Test
  public void writevGathersSegmentsInOrder() {
    int fd = create("f");
    long a = sys.mmapAnonymous(PAGE);
    long b = sys.mmapAnonymous(2L * PAGE);
    sys.store(a + 10, pattern(300, 1));
    sys.store(b + 4000, pattern(500, 2));
    assertEquals(800, sys.pwritev(fd, new long[] {a + 10, b + 4000}, new long[] {300, 500}, 4090));
    byte[] back = sys.preadBytes(fd, 800, 4090);
    assertArrayEquals(pattern(300, 1), Arrays.copyOf(back, 300));
    assertArrayEquals(pattern(500, 2), Arrays.copyOfRange(back, 300, 800));
    sys.close(fd);
  }

  @Test
  public void mmapAndReadWriteSeeTheSamePageCache() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    long map = sys.mmap(0, 2L * PAGE, Mm.PROT_READ | Mm.PROT_WRITE, Mm.MAP_SHARED, fd, 0);
    assertArrayEquals(pattern(2 * PAGE, 1), sys.load(map, 2 * PAGE));
    sys.store(map + 100, fill(200, 0x5a));
    assertArrayEquals(fill(200, 0x5a), sys.preadBytes(fd, 200, 100), "store visible to read");
    sys.pwriteBytes(fd, fill(300, 0x33), PAGE + 7);
    assertArrayEquals(fill(300, 0x33), sys.load(map + PAGE + 7, 300), "write visible to load");
    sys.msync(map, 2L * PAGE, Mm.MS_SYNC);
    sys.munmap(map, 2L * PAGE);
    sys.fsync(fd);
    assertArrayEquals(fill(200, 0x5a), sys.preadBytes(fd, 200, 100));
    sys.close(fd);
  }

  @Test
  public void remainingFileAndMemorySyscalls() {
    int fd = sys.creat(fs.path("f"), 0644);
    long buf = sys.mmapAnonymous(2L * PAGE);
    sys.store(buf, pattern(300, 1));
    assertEquals(300, sys.write(fd, buf, 300), "write(2) from user memory advances the offset");
    int dup = sys.dup(fd);
    assertEquals(100, sys.write(dup, buf, 100), "a dup shares the file description");
    assertEquals(400, sys.lseek(fd, 0, Vfs.SEEK_CUR));
    sys.close(dup);
    sys.close(fd);
    assertErrno(Errno.EBADF, () -> sys.preadBytes(fd, 1, 0)); // creat opened it O_WRONLY
    int rd = sys.open(fs.path("f"), OpenFile.O_RDONLY);
    long a = sys.mmapAnonymous(PAGE);
    long b = sys.mmapAnonymous(PAGE);
    assertEquals(400, sys.readv(rd, new long[] {a + 5, b}, new long[] {250, 1000}));
    assertArrayEquals(pattern(250, 1), sys.load(a + 5, 250));
    assertArrayEquals(Arrays.copyOfRange(pattern(300, 1), 250, 300), sys.load(b, 50));
    assertEquals(100, sys.preadv(rd, new long[] {a}, new long[] {100}, 300));
    assertArrayEquals(pattern(100, 1), sys.load(a, 100));
    assertEquals(sys.statfs(MountedFilesystem.MOUNT_POINT), sys.fstatfs(rd));
    long map = sys.mmap(0, PAGE, Mm.PROT_READ, Mm.MAP_SHARED, rd, 0);
    assertErrno(Errno.EFAULT, () -> sys.store(map, new byte[1])); // read-only mapping
    assertErrno(Errno.EACCES, () -> sys.mmap(0, PAGE, Mm.PROT_READ | Mm.PROT_WRITE,
        Mm.MAP_SHARED, rd, 0));
    sys.madvise(map, PAGE, Mm.MADV_DONTNEED);
    assertArrayEquals(pattern(300, 1), sys.load(map, 300), "a dropped file page faults back in");
    sys.munmap(map, PAGE);
    sys.close(rd);
    sys.store(buf, fill(10, 0x7f));
    sys.mprotect(buf, PAGE, Mm.PROT_READ);
    assertErrno(Errno.EFAULT, () -> sys.store(buf, new byte[1]));
    sys.madvise(buf, PAGE, Mm.MADV_DONTNEED);
    assertArrayEquals(new byte[10], sys.load(buf, 10), "an anonymous page dropped reads zeros");
  }

  @Test
  public void fiemapCoversTheDataInOrder() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(3 * PAGE, 1), 0);
    sys.pwriteBytes(fd, pattern(2 * PAGE, 2), 1L << 20);
    List<FiemapExtent> extents;
    try {
      extents = sys.fiemap(fd, 0, 0, Vfs.FIEMAP_FLAG_SYNC);
    } catch (ErrnoException e) {
      assumeTrue(e.errno() != Errno.EOPNOTSUPP,
          filesystem().type().name() + " does not implement fiemap");
      throw e;
    }
    long prevEnd = 0;
    for (FiemapExtent e : extents) {
      assertTrue(e.length() > 0 && e.logical() >= prevEnd, "extents sorted, disjoint: " + extents);
      prevEnd = e.logicalEnd();
    }
    assertFalse(extents.isEmpty(), "5 pages of data have extents");
    assertTrue(extents.get(extents.size() - 1).has(FiemapExtent.LAST),
        "the last extent is flagged LAST: " + extents);
    for (long off : new long[] {0, 2L * PAGE, 1L << 20, (1L << 20) + PAGE}) {
      assertTrue(extents.stream().anyMatch(e -> e.logical() <= off && off < e.logicalEnd()),
          "data at " + off + " is in an extent: " + extents);
    }
    sys.close(fd);
  }

  // ---- sparse files ------------------------------------------------------------------------

  @Test
  public void holesReadAsZeros() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    sys.pwriteBytes(fd, pattern(100, 2), 1 << 20);
    assertEquals((1 << 20) + 100, sys.fstat(fd).size());
    assertArrayEquals(new byte[(1 << 20) - PAGE], sys.preadBytes(fd, (1 << 20) - PAGE, PAGE));
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(new byte[(1 << 20) - PAGE], sys.preadBytes(fd, (1 << 20) - PAGE, PAGE),
        "holes read as zeros from disk too");
    assertArrayEquals(pattern(100, 2), sys.preadBytes(fd, 100, 1 << 20));
    sys.close(fd);
  }

  @Test
  public void seekDataAndSeekHoleAgreeWithContents() {
    int fd = create("f");
    long size = 3L << 20;
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    sys.pwriteBytes(fd, pattern(3 * PAGE, 2), 1 << 20);
    sys.pwriteBytes(fd, pattern(10, 3), size - 10);
    sys.fsync(fd);
    byte[] all = sys.preadBytes(fd, (int) size, 0);
    for (long off = 0; off < size; off += 12345) {
      long d = sys.lseek(fd, off, Vfs.SEEK_DATA);
      long h = sys.lseek(fd, off, Vfs.SEEK_HOLE);
      assertTrue(d >= off && d < size, "SEEK_DATA(" + off + ") = " + d);
      assertTrue(h >= off && h <= size, "SEEK_HOLE(" + off + ") = " + h);
      assertTrue(allZeroUntil(Arrays.copyOfRange(all, (int) off, (int) d), 0) == d - off,
          "SEEK_DATA(" + off + ") = " + d + " skipped over data");
      if (h < size) {
        assertEquals(0, all[(int) h], "SEEK_HOLE(" + off + ") = " + h + " is not in a hole");
      }
    }
    assertErrno(Errno.ENXIO, () -> sys.lseek(fd, size, Vfs.SEEK_DATA));
    assertErrno(Errno.ENXIO, () -> sys.lseek(fd, size, Vfs.SEEK_HOLE));
    assertEquals(size, sys.lseek(fd, size - 1, Vfs.SEEK_HOLE), "EOF is a hole");
    sys.close(fd);
  }

  // ---- truncate ----------------------------------------------------------------------------

  @Test
  public void truncateDownThenUpReadsZerosPastTheCut() {
    int fd = create("f");
    sys.pwriteBytes(fd, fill(3 * PAGE, 0xaa), 0);
    sys.fsync(fd); // blocks allocated, so truncate has blocks to free
    sys.ftruncate(fd, 5000);
    assertEquals(5000, sys.fstat(fd).size());
    Invariants.assertClean(fs);
    sys.ftruncate(fd, 3 * PAGE);
    byte[] back = sys.preadBytes(fd, 3 * PAGE, 0);
    assertArrayEquals(fill(5000, 0xaa), Arrays.copyOf(back, 5000));
    assertArrayEquals(new byte[3 * PAGE - 5000], Arrays.copyOfRange(back, 5000, 3 * PAGE));
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(back, sys.preadBytes(fd, 3 * PAGE, 0), "the same after writeback");
    sys.close(fd);
  }

  @Test
  public void truncateWithMappedPagesFaultsPastEofAndZeroesTheTail() {
    int fd = create("f");
    sys.pwriteBytes(fd, fill(3 * PAGE, 0x77), 0);
    long map = sys.mmap(0, 3L * PAGE, Mm.PROT_READ | Mm.PROT_WRITE, Mm.MAP_SHARED, fd, 0);
    assertArrayEquals(fill(3 * PAGE, 0x77), sys.load(map, 3 * PAGE));
    sys.ftruncate(fd, 100);
    assertErrno(Errno.EFAULT, () -> sys.load(map + PAGE, 1));
    assertErrno(Errno.EFAULT, () -> sys.store(map + 2L * PAGE, new byte[1]));
    byte[] first = sys.load(map, PAGE);
    assertArrayEquals(fill(100, 0x77), Arrays.copyOf(first, 100));
    assertArrayEquals(new byte[PAGE - 100], Arrays.copyOfRange(first, 100, PAGE),
        "the page straddling EOF is zeroed past it");
    sys.ftruncate(fd, 2L * PAGE);
    assertArrayEquals(new byte[PAGE], sys.load(map + PAGE, PAGE), "extended range maps zeros");
    sys.munmap(map, 3L * PAGE);
    sys.close(fd);
  }

  @Test
  public void openWithOTruncEmptiesTheFile() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    sys.close(fd);
    int t = sys.open(fs.path("f"), OpenFile.O_RDWR | OpenFile.O_TRUNC);
    assertEquals(0, sys.fstat(t).size());
    sys.ftruncate(t, PAGE);
    assertArrayEquals(new byte[PAGE], sys.preadBytes(t, PAGE, 0));
    sys.close(t);
  }

  // ---- fallocate ---------------------------------------------------------------------------

  @Test
  public void fallocateAllocatesZerosAndKeepSizeKeepsTheSize() {
    requires(Capability.FALLOCATE);
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    sys.fallocate(fd, FallocMode.KEEP_SIZE, 0, 8L * PAGE);
    assertEquals(PAGE, sys.fstat(fd).size(), "KEEP_SIZE");
    sys.fallocate(fd, 0, 2L * PAGE, 4L * PAGE);
    assertEquals(6L * PAGE, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 6 * PAGE, 0);
    assertArrayEquals(pattern(PAGE, 1), Arrays.copyOf(back, PAGE), "data kept");
    assertEquals(6 * PAGE, allZeroUntil(back, PAGE), "allocated range reads zeros");
    assertTrue(sys.fstat(fd).blocks() * 512 >= 6L * PAGE, "space is allocated: " + sys.fstat(fd));
    sys.close(fd);
  }

  @Test
  public void punchHoleZeroesTheRangeAndKeepsTheSize() {
    requires(Capability.PUNCH_HOLE);
    int fd = create("f");
    sys.pwriteBytes(fd, fill(8 * PAGE, 0x42), 0);
    sys.fsync(fd);
    assertErrno(Errno.EOPNOTSUPP, () -> sys.fallocate(fd, FallocMode.PUNCH_HOLE, 0, PAGE));
    sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, 2L * PAGE + 100, 3L * PAGE);
    assertEquals(8L * PAGE, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 8 * PAGE, 0);
    for (int i = 0; i < back.length; i++) {
      boolean punched = i >= 2 * PAGE + 100 && i < 5 * PAGE + 100;
      assertEquals(punched ? 0 : 0x42, back[i], "byte " + i);
    }
    long h = sys.lseek(fd, 0, Vfs.SEEK_HOLE);
    // With blocks smaller than a page the hole starts at the first whole punched block (as
    // iomap_seek_hole reports a hole mapping), which may lie inside a page.
    long bs = sys.fstatfs(fd).bsize();
    long firstWholeBlock = (2L * PAGE + 100 + bs - 1) / bs * bs;
    assertTrue(h == firstWholeBlock || h == 3L * PAGE || h == 8L * PAGE,
        "first hole at the whole punched block or page, or EOF: " + h);
    sys.close(fd);
  }

  @Test
  public void zeroRangeZeroesAndMayExtend() {
    requires(Capability.ZERO_RANGE);
    int fd = create("f");
    sys.pwriteBytes(fd, fill(4 * PAGE, 0x42), 0);
    sys.fallocate(fd, FallocMode.ZERO_RANGE, 100, PAGE);
    sys.fallocate(fd, FallocMode.ZERO_RANGE | FallocMode.KEEP_SIZE, 3L * PAGE, 4L * PAGE);
    assertEquals(4L * PAGE, sys.fstat(fd).size());
    sys.fallocate(fd, FallocMode.ZERO_RANGE, 4L * PAGE, PAGE);
    assertEquals(5L * PAGE, sys.fstat(fd).size());
    byte[] back = sys.preadBytes(fd, 5 * PAGE, 0);
    for (int i = 0; i < back.length; i++) {
      boolean zero = (i >= 100 && i < PAGE + 100) || i >= 3 * PAGE;
      assertEquals(zero ? 0 : 0x42, back[i], "byte " + i);
    }
    sys.close(fd);
  }

  @Test
  public void cloneRangeSharesDataAndCopiesOnWrite() {
    requires(Capability.REFLINK);
    int a = create("a");
    int b = create("b");
    sys.pwriteBytes(a, pattern(4 * PAGE, 1), 0);
    sys.cloneRange(a, 0, b, 0, 4L * PAGE);
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(b, 4 * PAGE, 0));
    sys.pwriteBytes(a, fill(PAGE, 0x11), PAGE);
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(b, 4 * PAGE, 0),
        "a write to the source does not show in the clone");
    sys.fsync(a);
    sys.fsync(b);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(b, 4 * PAGE, 0));
    assertArrayEquals(fill(PAGE, 0x11), sys.preadBytes(a, PAGE, PAGE));
    sys.close(a);
    sys.close(b);
  }

  // ---- fsync, power cut, umount ------------------------------------------------------------

  @Test
  public void fsyncAndSyncSucceedAndKeepData() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(5 * PAGE, 1), 0);
    sys.fdatasync(fd);
    sys.fsync(fd);
    sys.sync();
    assertEquals(0, fs.machine().pageCache().stats().nrDirty(), "sync leaves nothing dirty");
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(pattern(5 * PAGE, 1), sys.preadBytes(fd, 5 * PAGE, 0));
    sys.close(fd);
  }

  @Test
  public void fsyncedDataAndSizeSurviveAPowerCut() {
    requires(Capability.POWER_CUT_DURABILITY);
    int fd = create("f");
    sys.sync(); // the name is durable (fsync of a file need not persist its dentry: ext2)
    sys.pwriteBytes(fd, pattern(5 * PAGE + 10, 1), 0);
    sys.fsync(fd);
    sys.pwriteBytes(fd, fill(100, 0x99), 2L * PAGE); // not synced: old or new may survive
    fs.powerCut();
    sys = fs.sys();
    Invariants.assertClean(fs);
    int again = sys.open(fs.path("f"), OpenFile.O_RDWR);
    assertEquals(5L * PAGE + 10, sys.fstat(again).size());
    byte[] back = sys.preadBytes(again, 5 * PAGE + 10, 0);
    byte[] expect = pattern(5 * PAGE + 10, 1);
    for (int i = 0; i < back.length; i++) {
      boolean unsynced = i >= 2 * PAGE && i < 2 * PAGE + 100;
      assertTrue(back[i] == expect[i] || (unsynced && back[i] == (byte) 0x99),
          "byte " + i + " after power cut");
    }
    sys.close(again);
  }

  @Test
  public void umountIsBusyWhileOpenAndRemountKeepsData() {
    requires(Capability.BLOCK_DEVICE);
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(3 * PAGE, 1), 0);
    assertErrno(Errno.EBUSY, () -> sys.umount(MountedFilesystem.MOUNT_POINT));
    sys.close(fd);
    sys.umount(MountedFilesystem.MOUNT_POINT);
    BlockDevice dev = fs.device();
    fs.machine().mount(filesystem().type(), dev, filesystem().mountOptions(),
        MountedFilesystem.MOUNT_POINT);
    int again = sys.open(fs.path("f"), OpenFile.O_RDONLY);
    assertArrayEquals(pattern(3 * PAGE, 1), sys.preadBytes(again, 3 * PAGE, 0));
    sys.close(again);
  }

  @Test
  public void readErrorFromTheDeviceIsEio() {
    requires(Capability.BLOCK_DEVICE);
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(4 * PAGE, 1), 0);
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    BlockDevice dev = fs.device();
    for (long b : dev.storedBlocks()) {
      FaultInjection.readErrorAt(dev, b);
    }
    assertErrno(Errno.EIO, () -> sys.preadBytes(fd, 4 * PAGE, 0));
    dev.clearInjectedErrors();
    assertArrayEquals(pattern(4 * PAGE, 1), sys.preadBytes(fd, 4 * PAGE, 0),
        "readable again once the error is gone");
    sys.close(fd);
  }

  // ---- namespace on open files -------------------------------------------------------------

  @Test
  public void unlinkedOpenFileKeepsItsDataUntilLastClose() {
    sys.sync();
    long before = usedBytes();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(8 * PAGE, 1), 0);
    sys.unlink(fs.path("f"));
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("f")));
    assertEquals(0, sys.fstat(fd).nlink());
    assertFalse(sys.readdir(MountedFilesystem.MOUNT_POINT).stream()
        .anyMatch(e -> e.name().equals("f")));
    sys.pwriteBytes(fd, fill(10, 0x44), 8L * PAGE);
    byte[] back = sys.preadBytes(fd, 8 * PAGE + 10, 0);
    assertArrayEquals(pattern(8 * PAGE, 1), Arrays.copyOf(back, 8 * PAGE));
    sys.close(fd);
    sys.sync();
    assertTrue(usedBytes() <= before, "space back after the last close: " + usedBytes() + " > "
        + before);
  }

  @Test
  public void renamedOpenFileKeepsWorking() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    long ino = sys.fstat(fd).ino();
    sys.close(create("g"));
    sys.rename(fs.path("f"), fs.path("g")); // replaces g
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("f")));
    assertEquals(ino, sys.stat(fs.path("g")).ino());
    sys.pwriteBytes(fd, fill(10, 0x21), PAGE);
    int g = sys.open(fs.path("g"), OpenFile.O_RDONLY);
    assertArrayEquals(fill(10, 0x21), sys.preadBytes(g, 10, PAGE));
    assertArrayEquals(pattern(PAGE, 1), sys.preadBytes(g, PAGE, 0));
    sys.close(g);
    sys.close(fd);
  }

  @Test
  public void readdirListsEveryEntryWithItsInodeAndType() {
    List<String> names = new ArrayList<>(List.of("a", "b", "c"));
    for (String n : names) {
      sys.close(create(n));
    }
    if (filesystem().type().has(Capability.DIRECTORIES)) {
      sys.mkdir(fs.path("sub"), 0755);
      names.add("sub");
    }
    sys.unlink(fs.path("b"));
    names.remove("b");
    List<DirEntry> entries = sys.readdir(MountedFilesystem.MOUNT_POINT);
    Set<String> got = entries.stream().map(DirEntry::name)
        .filter(n -> !n.equals(".") && !n.equals("..") && !n.equals("lost+found"))
        .collect(Collectors.toSet());
    assertEquals(Set.copyOf(names), got);
    for (DirEntry e : entries) {
      if (names.contains(e.name())) {
        Stat st = sys.stat(fs.path(e.name()));
        assertEquals(st.ino(), e.ino(), e.name());
        assertEquals(e.name().equals("sub") ? FileType.DIRECTORY : FileType.REGULAR, e.type());
      }
    }
  }

  @Test
  public void statfsIsSaneAndTracksUsage() {
    StatFs empty = sys.statfs(MountedFilesystem.MOUNT_POINT);
    assertTrue(empty.bsize() > 0 && empty.bfree() <= empty.blocks()
        && empty.bavail() <= empty.bfree(), empty.toString());
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(1 << 20, 1), 0);
    sys.fsync(fd);
    StatFs full = sys.statfs(MountedFilesystem.MOUNT_POINT);
    assertTrue(full.bfree() <= full.blocks() && full.bavail() <= full.bfree(), full.toString());
    long usedNow = (full.blocks() - full.bfree()) * full.bsize();
    long usedBefore = (empty.blocks() - empty.bfree()) * empty.bsize();
    assertTrue(usedNow - usedBefore >= 1 << 20, "1 MiB written and synced uses at least 1 MiB: "
        + empty + " -> " + full);
    assertTrue(sys.fstat(fd).blocks() * 512 >= 1 << 20, "st_blocks counts it: " + sys.fstat(fd));
    long dataBefore = usedBytes();
    sys.close(fd);
    sys.unlink(fs.path("f"));
    sys.sync();
    StatFs after = sys.statfs(MountedFilesystem.MOUNT_POINT);
    assertTrue(after.bfree() <= after.blocks() && after.bavail() <= after.bfree(), after.toString());
    assertTrue(usedBytes() <= dataBefore - (1 << 20),
        "data space back after unlink: " + dataBefore + " -> " + usedBytes() + " bytes");
  }

  // ---- the write path (spec section 7) -----------------------------------------------------

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void sourceIsAnMmapOfTheSamePage() {
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(2 * PAGE, 1), 0);
    long map = sys.mmap(0, 2L * PAGE, Mm.PROT_READ | Mm.PROT_WRITE, Mm.MAP_SHARED, fd, 0);
    assertEquals(100, sys.pwrite(fd, map, 100, 2000), "source bytes 0..99, destination 2000..");
    assertEquals(PAGE, sys.pwrite(fd, map + PAGE, PAGE, PAGE), "a whole page onto itself");
    FaultInjection.zap(fs.process().mm(), map, 2L * PAGE);
    assertEquals(300, sys.pwrite(fd, map + 10, 300, PAGE + 500), "source not present: faults");
    byte[] expect = pattern(2 * PAGE, 1);
    System.arraycopy(expect, 0, expect, 2000, 100);
    System.arraycopy(Arrays.copyOfRange(expect, 10, 310), 0, expect, PAGE + 500, 300);
    assertArrayEquals(expect, sys.preadBytes(fd, 2 * PAGE, 0));
    sys.munmap(map, 2L * PAGE);
    sys.close(fd);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void sourceUnmappedBetweenFaultInAndCopyStillWritesTheRightBytes() {
    int fd = create("f");
    long buf = sys.mmapAnonymous(5L * PAGE);
    byte[] data = pattern(4 * PAGE, 3);
    sys.store(buf + 100, data);
    try (FaultInjection.Injection inj = FaultInjection.unmapAfterFaultIn(fs.machine(),
        sys.task(), buf, 5L * PAGE, 3)) {
      assertEquals(data.length, sys.pwrite(fd, buf + 100, data.length, 0));
      assertEquals(3, inj.fired(), "the race was staged");
    }
    assertArrayEquals(data, sys.preadBytes(fd, data.length, 0));
    // Over a page that is already cached and uptodate, too.
    sys.store(buf + 100, fill(2 * PAGE, 0x3c));
    try (FaultInjection.Injection inj = FaultInjection.unmapAfterFaultIn(fs.machine(),
        sys.task(), buf, 5L * PAGE, 2)) {
      assertEquals(2 * PAGE, sys.pwrite(fd, buf + 100, 2 * PAGE, 50));
      assertEquals(2, inj.fired());
    }
    assertArrayEquals(fill(2 * PAGE, 0x3c), sys.preadBytes(fd, 2 * PAGE, 50));
    sys.close(fd);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void halfMappedSourceWritesThePrefixThenEfault() {
    int fd = create("f");
    long region = sys.mmapAnonymous(3L * PAGE);
    sys.munmap(region + 2L * PAGE, PAGE);
    byte[] data = pattern(2 * PAGE - 1000, 4);
    sys.store(region + 1000, data);
    // Destination page-aligned, source misaligned: the last page's copy comes up short.
    long n = sys.pwrite(fd, region + 1000, 2L * PAGE, 8L * PAGE);
    assertEquals(data.length, n, "bytes up to the unmapped page");
    assertEquals(8L * PAGE + data.length, sys.fstat(fd).size());
    assertErrno(Errno.EFAULT, () -> sys.pwrite(fd, region + 2L * PAGE, 10, 8L * PAGE + n));
    assertEquals(8L * PAGE + data.length, sys.fstat(fd).size(), "EFAULT wrote nothing");
    sys.ftruncate(fd, 11L * PAGE);
    byte[] back = sys.preadBytes(fd, 11 * PAGE, 0);
    assertArrayEquals(data, Arrays.copyOfRange(back, 8 * PAGE, 8 * PAGE + data.length));
    assertEquals(back.length, allZeroUntil(back, 8 * PAGE + data.length),
        "no byte nobody wrote: the tail of the short page reads zeros");
    assertEquals(8 * PAGE, allZeroUntil(Arrays.copyOf(back, 8 * PAGE), 0));
    // Over an uptodate page a partial copy is committed, and i_size covers only what was.
    sys.ftruncate(fd, PAGE + 100);
    sys.pwriteBytes(fd, fill(100, 0x61), PAGE);
    long m = sys.pwrite(fd, region + 2L * PAGE - 2000, PAGE, PAGE);
    assertEquals(2000, m, "bytes up to the unmapped page");
    assertEquals(PAGE + 2000, sys.fstat(fd).size(), "i_size = pos + bytes committed");
    assertArrayEquals(Arrays.copyOfRange(data, data.length - 2000, data.length),
        sys.preadBytes(fd, 2000, PAGE));
    sys.close(fd);
  }

  @Test
  public void shortWritesLeakNoSpace() {
    sys.sync();
    long before = usedBytes();
    int fd = create("f");
    long region = sys.mmapAnonymous(3L * PAGE);
    sys.munmap(region + 2L * PAGE, PAGE);
    sys.store(region + 1000, pattern(2 * PAGE - 1000, 5));
    for (int i = 0; i < 16; i++) {
      long at = (long) i * 4 * PAGE;
      assertEquals(2 * PAGE - 1000, sys.pwrite(fd, region + 1000, 2L * PAGE, at));
    }
    sys.ftruncate(fd, 0);
    sys.sync();
    assertTrue(usedBytes() <= before, "truncated to 0 and synced, yet " + usedBytes()
        + " data bytes are in use (" + before + " before): a short write leaked space");
    sys.close(fd);
    sys.unlink(fs.path("f"));
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void reclaimDuringAWriteKeepsTheData() {
    int fd = create("f");
    byte[] old = pattern(8 * PAGE, 6);
    sys.pwriteBytes(fd, old, 0);
    sys.fsync(fd);
    long buf = sys.mmapAnonymous(9L * PAGE);
    byte[] data = pattern(6 * PAGE, 7);
    sys.store(buf + 10, data);
    try (FaultInjection.Injection r1 = FaultInjection.reclaimAt(fs.machine(),
            HookPoint.AFTER_WRITE_END, sys.task(), 1 << 20, 6);
        FaultInjection.Injection r2 = FaultInjection.at(fs.machine(),
            HookPoint.BEFORE_ATOMIC_COPY, sys.task(), 6,
            t -> fs.machine().pageCache().reclaimPage(fs.machine().vfs()
                .resolve(fs.path("f")).mapping(), 7))) {
      assertEquals(data.length, sys.pwrite(fd, buf + 10, data.length, PAGE + 300));
      assertTrue(r1.fired() > 0 && r2.fired() > 0, "reclaim ran during the write");
    }
    byte[] expect = old.clone();
    System.arraycopy(data, 0, expect, PAGE + 300, data.length);
    assertArrayEquals(expect, sys.preadBytes(fd, expect.length, 0));
    sys.fsync(fd);
    fs.machine().pageCache().dropCleanPages();
    assertArrayEquals(expect, sys.preadBytes(fd, expect.length, 0));
    sys.close(fd);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void enospcPartWayReturnsBytesWrittenThenEnospcAndSpaceComesBack() {
    assumeTrue(MountedFilesystem.canLimitSize(filesystem().type()),
        filesystem().type().name() + " has neither a device nor a size= option: cannot fill it");
    checkAfter = false;
    FilesystemUnderTest small = filesystem().withDeviceBytes(filesystem().smallDeviceBytes());
    fs = MountedFilesystem.mount(small, true, Configuration.defaults());
    sys = fs.sys();
    checkAfter = true;
    sys.sync();
    long before = usedBytes();
    int fd = create("f");
    byte[] chunk = pattern(1 << 20, 8);
    long total = 0;
    long n;
    long limit = 4 * small.deviceBytes();
    ErrnoException enospc = null;
    while (total < limit) {
      try {
        n = sys.pwriteBytes(fd, chunk, total);
      } catch (ErrnoException e) {
        enospc = e;
        break;
      }
      total += n;
      if (n < chunk.length) {
        // A short write: the next call at the new position must fail with ENOSPC.
        ErrnoException e = assertThrows(ErrnoException.class,
            () -> sys.pwriteBytes(fd, chunk, sys.fstat(fd).size()));
        enospc = e;
        break;
      }
    }
    assertTrue(enospc != null, "wrote " + total + " bytes to a " + small.deviceBytes()
        + "-byte filesystem without ENOSPC");
    assertEquals(Errno.ENOSPC, enospc.errno(), enospc.getMessage());
    assertTrue(total > 0);
    assertEquals(total, sys.fstat(fd).size(), "bytes reported written are the file size");
    Invariants.assertClean(fs);
    byte[] back = sys.preadBytes(fd, (int) Math.min(total, 1 << 20), 0);
    assertArrayEquals(Arrays.copyOf(chunk, back.length), back, "written bytes read back");
    sys.close(fd);
    sys.unlink(fs.path("f"));
    sys.sync();
    assertTrue(usedBytes() <= before, "space back after unlink: " + usedBytes() + " > " + before);
    int again = create("g");
    assertEquals(PAGE, sys.pwriteBytes(again, pattern(PAGE, 9), 0), "writable again");
    sys.close(again);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void enospcAtAChosenAllocationEndsTheWriteThere() {
    int fd = create("f");
    try (FaultInjection.Injection probe = FaultInjection.countAllocations(fs.machine())) {
      sys.pwriteBytes(fd, pattern(4 * PAGE, 1), 0);
      sys.fsync(fd);
      if (filesystem().type().has(Capability.BLOCK_DEVICE)) {
        assertTrue(probe.reached() > 0, "an allocating filesystem must fire BLOCK_ALLOCATION");
      }
      assumeTrue(probe.reached() > 0,
          filesystem().type().name() + " fires no BLOCK_ALLOCATION hook (it does not allocate)");
    }
    sys.ftruncate(fd, 0);
    sys.fsync(fd);
    try (FaultInjection.Injection inj = FaultInjection.enospcAtAllocation(fs.machine(), 1, true)) {
      assertErrno(Errno.ENOSPC, () -> {
        for (int i = 0; i < 64; i++) {
          sys.pwriteBytes(fd, pattern(PAGE, i), (long) i * PAGE);
        }
        sys.fsync(fd);
      });
      assertTrue(inj.fired() > 0);
    }
    long size = sys.fstat(fd).size();
    assertEquals(0, size % PAGE, "a failed allocation leaves a whole number of written pages");
    for (long off = 0; off < size; off += PAGE) {
      assertArrayEquals(pattern(PAGE, (int) (off / PAGE)), sys.preadBytes(fd, PAGE, off));
    }
    Invariants.assertClean(fs);
    sys.close(fd);
  }

  /**
   * The ABBA case: task 1 writes page 1 of A from a mapping of page 1 of B while task 2 writes
   * page 1 of B from a mapping of page 1 of A; both hold their destination page lock with the
   * source not present, and a third task is queued for {@code mmap_lock} in write mode. A
   * write path that faulted under the page lock would deadlock here (and lockdep says so).
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  public void abbaWritesFromEachOthersMappingsWithAQueuedMmapWriter() throws Exception {
    int fa = create("a");
    int fb = create("b");
    sys.pwriteBytes(fa, fill(2 * PAGE, 0xa1), 0);
    sys.pwriteBytes(fb, fill(2 * PAGE, 0xb2), 0);
    long mapA = sys.mmap(0, 2L * PAGE, Mm.PROT_READ, Mm.MAP_SHARED, fa, 0);
    long mapB = sys.mmap(0, 2L * PAGE, Mm.PROT_READ, Mm.MAP_SHARED, fb, 0);
    sys.load(mapA, 2 * PAGE); // fault both in: mmap_lock -> page lock is now a known order
    sys.load(mapB, 2 * PAGE);

    Syscalls t1 = fs.newThread("abba-1");
    Syscalls t2 = fs.newThread("abba-2");
    Syscalls t3 = fs.newThread("mmap-writer");
    Task holder = fs.process().newThread("mmap-reader");
    MmapLock mmapLock = fs.process().mm().mmapLock();
    Set<Task> writers = Set.of(t1.task(), t2.task());
    CyclicBarrier bothLocked = new CyclicBarrier(2);
    CountDownLatch writerQueued = new CountDownLatch(1);
    CountDownLatch lockedPhase = new CountDownLatch(2);
    CountDownLatch readersWaiting = new CountDownLatch(2);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Set<Task> staged = ConcurrentHashMap.newKeySet();

    Runnable removeCopyHook = fs.machine().hooks().install(HookPoint.BEFORE_ATOMIC_COPY, t -> {
      if (!writers.contains(t) || !staged.add(t)) {
        return;
      }
      // Holding the destination page lock: take the source out of the page table, wait until
      // the other writer holds its page lock too and the mmap writer is queued.
      FaultInjection.zap(fs.process().mm(), t == t1.task() ? mapB + PAGE : mapA + PAGE, PAGE);
      lockedPhase.countDown();
      try {
        bothLocked.await(DEADLOCK_SECONDS, TimeUnit.SECONDS);
        writerQueued.await(DEADLOCK_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Runnable removeQueueHook = fs.machine().hooks().install(HookPoint.MMAP_WRITER_QUEUED,
        t -> writerQueued.countDown());
    AtomicInteger readerWaits = new AtomicInteger();
    Runnable removeWaitHook = fs.machine().hooks().install(HookPoint.MMAP_READER_WAIT, t -> {
      if (writers.contains(t)) {
        readerWaits.incrementAndGet();
        readersWaiting.countDown();
      }
    });
    List<Thread> threads = new ArrayList<>();
    try {
      threads.add(start("abba-1", errors, () -> {
        assertEquals(PAGE, t1.pwrite(fa, mapB + PAGE, PAGE, PAGE));
      }, readersWaiting));
      threads.add(start("abba-2", errors, () -> {
        assertEquals(PAGE, t2.pwrite(fb, mapA + PAGE, PAGE, PAGE));
      }, readersWaiting));
      assertTrue(lockedPhase.await(DEADLOCK_SECONDS, TimeUnit.SECONDS) || !errors.isEmpty(),
          "both writers should reach their atomic copy: " + errors);
      mmapLock.readLock(holder); // so that the mmap writer has to queue
      threads.add(start("mmap-writer", errors, () -> t3.mmapAnonymous(PAGE), null));
      assertTrue(writerQueued.await(DEADLOCK_SECONDS, TimeUnit.SECONDS), "writer queued");
      // Both writers retry; their fault-in must wait behind the queued writer, holding no page.
      readersWaiting.await(DEADLOCK_SECONDS, TimeUnit.SECONDS);
      mmapLock.readUnlock(holder);
      for (Thread th : threads) {
        th.join(Duration.ofSeconds(DEADLOCK_SECONDS));
        assertFalse(th.isAlive(), th.getName() + " deadlocked");
      }
    } finally {
      removeCopyHook.run();
      removeQueueHook.run();
      removeWaitHook.run();
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("a task failed in the ABBA race: " + errors.peek(), errors.peek());
    }
    assertEquals(2, readerWaits.get(), "both writers retried their fault-in behind the queued"
        + " mmap writer, holding no page lock (the race was staged)");
    byte[] a1 = sys.preadBytes(fa, PAGE, PAGE);
    byte[] b1 = sys.preadBytes(fb, PAGE, PAGE);
    for (int i = 0; i < PAGE; i++) {
      assertTrue(a1[i] == (byte) 0xa1 || a1[i] == (byte) 0xb2, "A byte " + i + ": " + a1[i]);
      assertTrue(b1[i] == (byte) 0xa1 || b1[i] == (byte) 0xb2, "B byte " + i + ": " + b1[i]);
    }
    assertArrayEquals(fill(PAGE, 0xa1), sys.preadBytes(fa, PAGE, 0), "page 0 untouched");
    assertArrayEquals(fill(PAGE, 0xb2), sys.preadBytes(fb, PAGE, 0), "page 0 untouched");
    sys.munmap(mapA, 2L * PAGE);
    sys.munmap(mapB, 2L * PAGE);
    sys.close(fa);
    sys.close(fb);
  }

  private static Thread start(String name, ConcurrentLinkedQueue<Throwable> errors,
      Executable body, CountDownLatch onExit) {
    Thread t = new Thread(() -> {
      try {
        body.execute();
      } catch (Throwable e) {
        errors.add(e);
      } finally {
        if (onExit != null) {
          // A writer that ended (or died) will never wait for mmap_lock: do not wait for it.
          onExit.countDown();
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
