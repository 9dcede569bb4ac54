package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Memory and image size in proportion to the metadata that is not zero: mkfs, mount and a
 * write on the largest ext2 (2^32 - 1 blocks of 4 KiB) keep a few groups in core and store little
 * more than the descriptor tables; e2fsck accepts big images with and without uninit_bg.
 */
class BigFilesystemTest {
  /** 16 TiB less one block: the most blocks a 32-bit s_blocks_count holds. */
  static final long LARGEST = 0xFFFFFFFFL * 4096;

  @TempDir Path tmp;

  /** A machine, its device and the filesystem mounted at /mnt. */
  record Mounted(Machine m, BlockDevice dev, Ext2ishSuperBlock sb, Syscalls sys) {
    static Mounted make(long bytes, String mkfs) {
      Machine m = Machine.boot();
      BlockDevice dev = m.newDevice("sda", bytes, 4096, false);
      m.mkfs(new Ext2ishType(), dev, mkfs);
      return mount(m, dev);
    }

    static Mounted mount(Machine m, BlockDevice dev) {
      Ext2ishSuperBlock sb = (Ext2ishSuperBlock) m.mount(new Ext2ishType(), dev, "", "/mnt");
      return new Mounted(m, dev, sb, m.syscalls(m.spawn("t").mainTask()));
    }
  }

  /**
   * The checker: the groups in core and the blocks the device stores stay within what the
   * filesystem's non-zero metadata and {@code dataBlocks} of data need.
   */
  static void assertBounded(Mounted x, long dataBlocks, String when) {
    Geometry geo = x.sb.img.geo;
    int copies = 1;
    for (int g = 1; g < geo.groups; g = Geometry.nextSuperBackup(g)) {
      copies++;
    }
    long metadata = (long) copies * (1 + geo.gdtBlocks) + 64;
    long stored = x.dev.storedBlocks().size();
    assertTrue(stored <= metadata + dataBlocks, when + ": the device stores " + stored
        + " blocks, the metadata and data need " + (metadata + dataBlocks));
    int inCore = x.sb.img.groupsInCore();
    assertTrue(inCore <= 4, when + ": " + inCore + " of " + geo.groups + " groups in core");
  }

  private static byte[] writeFile(Syscalls sys, String path, int len, int seed) {
    byte[] data = Ext2Fixture.pattern(len, seed);
    int fd = sys.open(path, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(fd, data, 0);
    sys.fsync(fd);
    sys.close(fd);
    return data;
  }

  private static byte[] read(Syscalls sys, String path) {
    int fd = sys.open(path, Fcntl.O_RDONLY);
    try {
      return sys.preadBytes(fd, (int) sys.fstat(fd).size(), 0);
    } finally {
      sys.close(fd);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void largestExt2MakesWritesAndRemountsInBoundedMemory() {
    Mounted x = Mounted.make(LARGEST, "");
    Geometry geo = x.sb.img.geo;
    assertEquals(131_072, geo.groups);
    assertTrue(x.sb.img.uninitBg, "uninit_bg is on by default from 4 TiB");
    assertBounded(x, 0, "after mkfs and mount");
    byte[] data = writeFile(x.sys, "/mnt/f", 1 << 20, 1);
    assertBounded(x, 256 + 1, "after 1 MiB written and fsynced");
    assertTrue(x.sb.fsck().isClean(), x.sb.fsck().toString());
    x.sys.umount("/mnt");
    Mounted y = Mounted.mount(x.m, x.dev);
    assertArrayEquals(data, read(y.sys, "/mnt/f"));
    assertBounded(y, 256 + 1, "after remount and read");
    assertEquals(geo.blocksCount - y.sb.img.overheadBlocks() - 256 - 1 - 2,
        y.sb.img.freeBlocksCount, "free blocks: all but the metadata, the file and 2 dirs");
  }

  /** The checker is shown to catch a planted eager mount (every group's bitmaps read). */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void checkerCatchesAPlantedEagerMaterialisation() {
    Mounted x = Mounted.make(64L << 30, "uninit_bg=1");
    assertBounded(x, 0, "lazy");
    // The planted bug: what the mount did before, every group's bitmaps brought into core.
    for (int g = 0; g < x.sb.img.geo.groups; g++) {
      x.sb.img.blockBitmap(g);
      x.sb.img.inodeBitmap(g);
    }
    assertThrows(AssertionError.class, () -> assertBounded(x, 0, "eager"));
  }

  /** The checker is shown to catch a planted eager mkfs (every group's bitmaps written). */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void checkerCatchesAPlantedEagerMkfs() {
    Mounted x = Mounted.make(64L << 30, "uninit_bg=0");
    assertThrows(AssertionError.class, () -> assertBounded(x, 0, "every bitmap written"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"16, 0x100000000", "64, 0x400000000"})
  void sixteenTebibytesAndMoreAreRefusedAsMke2fsDoes(long tib, String blocks) {
    Machine m = Machine.boot();
    BlockDevice dev = m.newDevice("sda", tib << 40, 4096, false);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> m.mkfs(new Ext2ishType(), dev, ""));
    assertTrue(e.getMessage().contains("size of device (" + blocks + " blocks) too big to be"
        + " expressed in 32 bits using a blocksize of 4096"), e.getMessage());
    assertEquals(0, dev.storedBlocks().size());
  }

  /**
   * e2fsck -fn judges files spread over several groups of a terabyte (8,192 groups) with
   * uninit_bg (descriptor flags, itable_unused, checksums), and of 64 GiB (512 groups) without
   * (there e2fsck reads every inode table: 8 GiB of them in a terabyte, minutes).
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void e2fsckAcceptsBigImagesWithAndWithoutUninitBg() throws Exception {
    for (String mkfs : new String[] {"uninit_bg=1", "uninit_bg=0"}) {
      Mounted x = Mounted.make(mkfs.endsWith("1") ? 1L << 40 : 64L << 30, mkfs);
      for (int d = 0; d < 4; d++) {
        x.sys.mkdir("/mnt/d" + d, 0755);
        for (int f = 0; f < 3; f++) {
          writeFile(x.sys, "/mnt/d" + d + "/f" + f, 70_000 + f, 10 * d + f);
        }
      }
      x.sys.unlink("/mnt/d1/f1");
      x.sys.umount("/mnt");
      E2fsprogs.assertE2fsckClean(x.dev, tmp, mkfs);
      Mounted y = Mounted.mount(x.m, x.dev);
      assertArrayEquals(Ext2Fixture.pattern(70_002, 32), read(y.sys, "/mnt/d3/f2"));
      assertTrue(y.sb.fsck().isClean(), mkfs + ": " + y.sb.fsck());
    }
  }
}
