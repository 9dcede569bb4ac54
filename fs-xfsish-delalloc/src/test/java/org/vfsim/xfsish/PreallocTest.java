package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.xfsish.ExtentMap.Irec;
import org.vfsim.xfsish.ExtentMap.State;

/** Speculative preallocation: its size, and the three ways it is trimmed. */
@ExtendWith(LockValidatorExtension.class)
class PreallocTest {
  static final int BS = 4096;
  static final long ALLOCSIZE_BLOCKS = 16; // 64 KiB default

  /**
   * The rule, restated for an appending write of one block to a file of {@code sizeBlocks}
   * contiguous written blocks with plenty of free space: none below 64 KiB; otherwise twice the
   * contiguous run, rounded down to a power of two, capped at MAXEXTLEN, at least allocsize;
   * then the reservation end is aligned: (write end rounded down to 64 KiB) + that.
   */
  static long expectedPrealloc(long sizeBlocks, long free) {
    long size = sizeBlocks * BS;
    if (size < ALLOCSIZE_BLOCKS * BS) {
      return 0;
    }
    long alloc = Long.highestOneBit(Math.min(2 * sizeBlocks, (1L << 21) - 1));
    while (alloc > 0 && alloc >= free) {
      alloc >>= 4;
    }
    alloc = Math.max(alloc, ALLOCSIZE_BLOCKS);
    long writeEnd = size + BS;
    long alignedEnd = (writeEnd - 1) / (ALLOCSIZE_BLOCKS * BS) * (ALLOCSIZE_BLOCKS * BS);
    long endFsb = writeEnd / BS;
    return Math.max(0, alignedEnd / BS + alloc - endFsb);
  }

  @ParameterizedTest(name = "{0} KiB file")
  @ValueSource(longs = {4, 32, 60, 64, 128, 256, 1024, 4096, 16384})
  void appendPreallocatesByTheRule(long sizeKib) {
    XfsFixture f = new XfsFixture(1L << 30, true, "", "");
    int fd0 = f.create("g");
    long size = sizeKib << 10;
    f.sys.pwriteBytes(fd0, new byte[(int) size], 0);
    f.sys.fsync(fd0);
    // A write over 4 MiB is mapped in 1024-page chunks, the second of which already
    // preallocates: the last close trims that, so the append starts from a plain extent.
    f.sys.close(fd0);
    int fd = f.sys.open("/mnt/g", Fcntl.O_RDWR);
    assertEquals(1, f.sys.fiemap(fd, 0, size, 0).size(), "one written extent before the append");
    long made = f.sb.counter(Counter.PREALLOC_MADE_BLOCKS);
    long free = f.sb.fdblocks();
    f.sys.pwriteBytes(fd, new byte[BS], size);
    long got = f.sb.counter(Counter.PREALLOC_MADE_BLOCKS) - made;
    long want = expectedPrealloc(size / BS, free);
    System.out.printf("prealloc: file %7d KiB -> %6d blocks (%d KiB) past the write%n", sizeKib,
        got, got * BS >> 10);
    assertEquals(want, got);
    assertEquals(1 + want, f.inode("g").delayedBlocks(), "the write's block plus the prealloc");
    f.check();
  }

  @ParameterizedTest(name = "free {0} per mille -> shift {1}")
  @CsvSource({"60,0", "45,2", "35,3", "25,4", "15,5", "5,6"})
  void lowFreeSpaceThrottlesByShifting(int perMille, int shift) {
    long dblocks = 1_000_000;
    long free = dblocks * perMille / 1000;
    List<Irec> behind = List.of(new Irec(0, 5000, 4096, State.NORM, 0));
    long got = Prealloc.size(4096L * BS, 4097L * BS, 16, false, behind, 4096, free, dblocks, BS);
    long want = Math.max(16, Long.highestOneBit((2 * 4096) >> shift));
    assertEquals(want, got);
  }

  @Test
  void fixedAllocsizeReplacesTheDynamicSize() {
    XfsFixture f = new XfsFixture(256L << 20, true, "", "allocsize=256k");
    int fd = f.create("g");
    f.sys.pwriteBytes(fd, new byte[BS], 0);
    // Fixed allocsize: even a 0-byte file gets exactly 256 KiB, aligned to 256 KiB.
    assertEquals(64, f.inode("g").delayedBlocks());
    f.sys.fsync(fd);
    f.sys.pwriteBytes(fd, new byte[BS], 64 * BS);
    // Each append reserves up to the next 256 KiB boundary past (write end rounded down) + 64:
    // the written block plus 63 blocks of preallocation, twice.
    assertEquals(2 * (64 - 1), f.sb.counter(Counter.PREALLOC_MADE_BLOCKS));
    f.check();
  }

  /** A file big enough to preallocate, appended once; returns the fd. */
  private static int grownFile(XfsFixture f, String name) {
    int fd = f.create(name);
    f.sys.pwriteBytes(fd, new byte[256 * BS], 0);
    f.sys.fsync(fd);
    f.sys.pwriteBytes(fd, new byte[BS], 256 * BS);
    return fd;
  }

  private static long blocksPastEof(XfsInode ip) {
    long eof = (ip.size() + BS - 1) / BS;
    long n = 0;
    for (Irec r : ip.extents().all()) {
      n += Math.max(0, r.end() - Math.max(r.off(), eof));
    }
    return n;
  }

  @Test
  void lastCloseTrimsUnlessReopenedAndExtended() {
    XfsFixture f = new XfsFixture(256L << 20, true, "", "");
    int fd = grownFile(f, "g");
    XfsInode ip = f.inode("g");
    assertTrue(blocksPastEof(ip) > 0);
    f.sys.close(fd);
    assertEquals(0, blocksPastEof(ip), "first close trims the speculative preallocation");
    assertTrue(ip.dirtyRelease(), "delayed blocks still outstanding: XFS_IDIRTY_RELEASE");
    f.check();
    // Reopened and extended: the next close leaves the preallocation alone.
    int fd2 = f.sys.open("/mnt/g", Fcntl.O_WRONLY | Fcntl.O_APPEND);
    f.sys.writeBytes(fd2, new byte[BS]);
    long past = blocksPastEof(ip);
    assertTrue(past > 0, "the extending write preallocated again");
    f.sys.close(fd2);
    assertEquals(past, blocksPastEof(ip));
    assertTrue(f.sb.counter(Counter.PREALLOC_TRIMMED_BLOCKS) > 0);
    f.check();
  }

  @Test
  void backgroundScanOnTheClockTrimsIdleFiles() {
    XfsFixture f = new XfsFixture(256L << 20, true, "", "");
    int fd = grownFile(f, "g");
    f.sys.fsync(fd); // clean pages: the background scan may take the post-EOF blocks
    XfsInode ip = f.inode("g");
    long past = blocksPastEof(ip);
    assertTrue(past > 0);
    f.m.clock().advance(Duration.ofSeconds(299));
    assertEquals(past, blocksPastEof(ip), "not before xfs_blockgc_secs");
    f.m.clock().advance(Duration.ofSeconds(1));
    assertEquals(0, blocksPastEof(ip));
    assertEquals(past, f.sb.counter(Counter.PREALLOC_TRIMMED_BLOCKS));
    List<FiemapExtent> map = f.sys.fiemap(fd, 0, 0, 0);
    assertEquals(257L * BS, map.get(map.size() - 1).logicalEnd());
    f.check();
  }

  @Test
  void enospcTrimsPreallocationAndTheRetriedWriteSucceeds() {
    XfsFixture f = new XfsFixture(16L << 20, false, "agcount=1", "");
    int fd = grownFile(f, "g"); // open: close would trim; the ENOSPC path must
    long past = blocksPastEof(f.inode("g"));
    assertTrue(past > 100, "preallocated " + past);
    // A new file that needs more than is free, but less than free + the preallocation.
    long free = f.sb.fdblocks();
    long want = free - ExtentMap.worstIndlen(free) + past / 2;
    int fd2 = f.create("h");
    byte[] data = XfsFixture.pattern((int) (want * BS), 9);
    // The write is mapped 1024 pages at a time: the chunks that fit are written, the last one
    // gets ENOSPC after something was written, so the call returns short (as on XFS, which
    // retries only when nothing was written). The next call has written nothing when it hits
    // ENOSPC: it flushes, trims the preallocation and succeeds.
    long chunk = Bmap.MAX_WRITE_MAPPING_BYTES;
    long first = f.sys.pwriteBytes(fd2, data, 0);
    assertEquals(data.length / chunk * chunk, first);
    assertEquals(0, f.sb.counter(Counter.ENOSPC_RETRIES));
    byte[] rest = java.util.Arrays.copyOfRange(data, (int) first, data.length);
    assertEquals(rest.length, f.sys.pwriteBytes(fd2, rest, first));
    assertEquals(1, f.sb.counter(Counter.ENOSPC_RETRIES));
    assertEquals(0, blocksPastEof(f.inode("g")));
    f.check();
    f.sys.fsync(fd2);
    org.junit.jupiter.api.Assertions.assertArrayEquals(data, f.sys.preadBytes(fd2, data.length, 0));
    f.check();
    f.sys.close(fd);
  }
}
