package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.syscall.Fcntl;

/** e2fsprogs as an independent judge: e2fsck, dumpe2fs and debugfs read what ext2ish writes. */
class E2fsprogsTest {
  @TempDir Path tmp;

  @BeforeEach
  void needsTools() {
    E2fsprogs.assumeInstalled();
  }

  @ParameterizedTest(name = "block size {0}, mkfs ''{1}''")
  @CsvSource({"4096, ''", "1024, ''", "2048, ''", "4096, I=256", "1024, 'I=256,m=5'",
      "4096, 'blocks_per_group=1024'"})
  void freshImageIsCleanForE2fsckAndDumpe2fs(int bs, String mkfs) throws Exception {
    Ext2Fixture fx = new Ext2Fixture(32L << 20, bs, false, mkfs, "");
    fx.sys.umount("/mnt");
    Path img = Ext2Images.dump(fx.dev, tmp.resolve("fresh.img"));
    E2fsprogs.Run fsck = E2fsprogs.e2fsck(img);
    assertEquals(0, fsck.status(), fsck.out());
    E2fsprogs.Run dump = E2fsprogs.run("dumpe2fs", img.toString());
    assertEquals(0, dump.status(), dump.out());
    assertTrue(dump.out().contains("Filesystem state:         clean"), dump.out());
    assertTrue(dump.out().contains("Block size:               " + bs), dump.out());
    E2fsprogs.Run ls = E2fsprogs.run("debugfs", "-R", "ls -l /", img.toString());
    assertTrue(ls.out().contains("lost+found"), ls.out());
  }

  /** The judge catches a planted bug: an inode whose link count is wrong on the device. */
  @Test
  void e2fsckJudgeCatchesAPlantedWrongLinkCount() throws Exception {
    Ext2Fixture fx = Ext2Fixture.small();
    int fd = fx.create("f");
    fx.sys.writeBytes(fd, Ext2Fixture.pattern(5000, 1));
    long ino = fx.sys.fstat(fd).ino();
    fx.sys.close(fd);
    fx.sys.sync();
    E2fsprogs.assertE2fsckClean(fx.dev, tmp, "before the planted bug");
    Ext2Images.patchInode(fx.dev, fx.sb.geo, ino, (b, off) -> Le.put16(b, off + 26, 5));
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> E2fsprogs.assertE2fsckClean(fx.dev, tmp, "planted"));
    assertTrue(e.getMessage().contains("ref count is 5"), e.getMessage());
  }

  /** A mounted filesystem is "not clean" on disk; unmount makes it clean again. */
  @Test
  void stateIsNotCleanWhileMounted() throws Exception {
    Ext2Fixture fx = Ext2Fixture.small();
    Path img = Ext2Images.dump(fx.dev, tmp.resolve("m.img"));
    E2fsprogs.Run dump = E2fsprogs.run("dumpe2fs", "-h", img.toString());
    assertTrue(dump.out().contains("Filesystem state:         not clean"), dump.out());
    assertTrue(dump.out().contains("Mount count:              1"), dump.out());
  }

  @ParameterizedTest(name = "block size {0}")
  @CsvSource({"1024", "4096"})
  void debugfsCatReturnsTheBytesOfEveryMappingDepth(int bs) throws Exception {
    Ext2Fixture fx = new Ext2Fixture(64L << 20, bs, false, "", "");
    long p = bs / 4;
    long singleStart = 12L * bs;
    long doubleStart = (12 + p) * bs;
    long tripleStart = (12 + p + p * p) * bs;
    byte[] direct = Ext2Fixture.pattern(5 * bs + 17, 1);
    byte[] single = Ext2Fixture.pattern((int) singleStart + 3 * bs, 2);
    write(fx, "direct", direct, 0);
    write(fx, "single", single, 0);
    fx.sys.mkdir("/mnt/d", 0750);
    byte[] tail = Ext2Fixture.pattern(2 * bs + 5, 3);
    write(fx, "d/double", tail, doubleStart + 7);
    boolean triple = bs == 1024; // with 4 KiB blocks the triple tree starts past 4 GiB
    if (triple) {
      write(fx, "d/triple", tail, tripleStart + 7);
    }
    byte[] sparse = Ext2Fixture.pattern(100, 4);
    write(fx, "sparse", sparse, 3L * bs + 1);
    write(fx, "sparse", sparse, 40L * bs);
    fx.sys.umount("/mnt");
    Path img = Ext2Images.dump(fx.dev, tmp.resolve("cat.img"));
    E2fsprogs.Run fsck = E2fsprogs.e2fsck(img);
    assertEquals(0, fsck.status(), fsck.out());
    assertArrayEquals(direct, E2fsprogs.cat(img, "/direct"));
    assertArrayEquals(single, E2fsprogs.cat(img, "/single"));
    assertArrayEquals(expected(tail, doubleStart + 7), E2fsprogs.cat(img, "/d/double"));
    if (triple) {
      assertArrayEquals(expected(tail, tripleStart + 7), E2fsprogs.cat(img, "/d/triple"));
    }
    byte[] sp = new byte[40 * bs + 100];
    System.arraycopy(sparse, 0, sp, 3 * bs + 1, 100);
    System.arraycopy(sparse, 0, sp, 40 * bs, 100);
    assertArrayEquals(sp, E2fsprogs.cat(img, "/sparse"));
  }

  private static byte[] expected(byte[] tail, long at) {
    byte[] out = new byte[(int) (at + tail.length)];
    System.arraycopy(tail, 0, out, (int) at, tail.length);
    return out;
  }

  private static void write(Ext2Fixture fx, String name, byte[] data, long off) {
    int fd = fx.sys.open("/mnt/" + name, Fcntl.O_CREAT | Fcntl.O_RDWR, 0640);
    fx.sys.pwriteBytes(fd, data, off);
    fx.sys.close(fd);
  }

  @Test
  void debugfsSeesSizesModesAndTimes() throws Exception {
    Ext2Fixture fx = Ext2Fixture.small();
    fx.machine.clock().advance(java.time.Duration.ofSeconds(1_000_000));
    int fd = fx.sys.open("/mnt/f", Fcntl.O_CREAT | Fcntl.O_RDWR, 0604);
    fx.sys.writeBytes(fd, Ext2Fixture.pattern(12345, 5));
    var st = fx.sys.fstat(fd);
    fx.sys.close(fd);
    fx.sys.umount("/mnt");
    Path img = Ext2Images.dump(fx.dev, tmp.resolve("stat.img"));
    E2fsprogs.Run r = E2fsprogs.run("debugfs", "-R", "stat /f", img.toString());
    assertTrue(r.out().contains("Size: 12345"), r.out());
    assertTrue(r.out().contains("Mode:  0604"), r.out());
    assertTrue(r.out().contains("Type: regular"), r.out());
    assertTrue(r.out().contains("Links: 1"), r.out());
    String mtime = String.format("mtime: 0x%08x", st.mtimeNanos() / 1_000_000_000L);
    assertTrue(r.out().contains(mtime), mtime + " in\n" + r.out());
  }
}
