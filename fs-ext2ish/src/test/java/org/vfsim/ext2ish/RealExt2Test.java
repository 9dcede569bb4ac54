package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FileType;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Real ext2 both ways: an image made by mkfs.ext2 and filled by debugfs mounts in ext2ish, and
 * the Linux kernel mounts an ext2ish image read-only and reads back every file.
 */
class RealExt2Test {
  @TempDir Path tmp;

  @ParameterizedTest(name = "block size {0}")
  @CsvSource({"1024", "4096"})
  void imageMadeByMkfsExt2MountsAndReadsBack(int bs) throws Exception {
    E2fsprogs.assumeInstalled();
    Assumptions.assumeTrue(E2fsprogs.find("mkfs.ext2") != null, "mkfs.ext2 not installed");
    long size = 32L << 20;
    Path img = tmp.resolve("real.img");
    try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
      f.setLength(size);
    }
    E2fsprogs.Run mk = E2fsprogs.run("mkfs.ext2", "-q", "-F", "-b", "" + bs, "-O",
        "^resize_inode,^dir_index,^ext_attr", img.toString());
    assertEquals(0, mk.status(), mk.out());
    byte[] small = Ext2Fixture.pattern(1234, 1);
    byte[] big = Ext2Fixture.pattern(3 << 20, 2); // single and double indirect blocks
    Files.write(tmp.resolve("small"), small);
    Files.write(tmp.resolve("big"), big);
    Files.writeString(tmp.resolve("cmds"), "mkdir d\nwrite " + tmp.resolve("small") + " small\n"
        + "cd d\nwrite " + tmp.resolve("big") + " big\n");
    E2fsprogs.Run fill = E2fsprogs.run("debugfs", "-w", "-f", tmp.resolve("cmds").toString(),
        img.toString());
    assertEquals(0, fill.status(), fill.out());

    Machine m = Machine.boot();
    BlockDevice dev = Ext2Images.load(m.newDevice("sda", size, bs, false), img);
    Ext2ishType type = new Ext2ishType();
    Ext2ishSuperBlock sb = (Ext2ishSuperBlock) m.mount(type, dev, "", "/mnt");
    Syscalls sys = m.syscalls(m.spawn("t").mainTask());
    assertArrayEquals(small, read(sys, "/mnt/small"));
    assertArrayEquals(big, read(sys, "/mnt/d/big"));
    assertEquals(java.util.List.of("d", "lost+found", "small"),
        sys.readdir("/mnt").stream().map(DirEntry::name).sorted().toList());
    assertEquals(true, sb.fsck().isClean(), sb.fsck().toString());
    // ext2ish writes into it; e2fsck and debugfs agree afterwards.
    int fd = sys.open("/mnt/d/new", Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    byte[] fresh = Ext2Fixture.pattern(100_000, 3);
    sys.writeBytes(fd, fresh);
    sys.close(fd);
    sys.unlink("/mnt/small");
    sys.umount("/mnt");
    Path back = Ext2Images.dump(dev, tmp.resolve("back.img"));
    E2fsprogs.Run fsck = E2fsprogs.e2fsck(back);
    assertEquals(0, fsck.status(), fsck.out());
    assertArrayEquals(fresh, E2fsprogs.cat(back, "/d/new"));
    assertArrayEquals(big, E2fsprogs.cat(back, "/d/big"));
  }

  private static byte[] read(Syscalls sys, String path) {
    int fd = sys.open(path, Fcntl.O_RDONLY);
    try {
      long n = sys.fstat(fd).size();
      return sys.preadBytes(fd, (int) n, 0);
    } finally {
      sys.close(fd);
    }
  }

  /** Files under {@code dir} in ext2ish, by path relative to /mnt. */
  private static void collect(Syscalls sys, String dir, String rel, Map<String, byte[]> out) {
    for (DirEntry e : sys.readdir(dir)) {
      String p = dir + "/" + e.name();
      String r = rel.isEmpty() ? e.name() : rel + "/" + e.name();
      if (e.type() == FileType.DIRECTORY) {
        out.put(r + "/", new byte[0]);
        collect(sys, p, r, out);
      } else {
        out.put(r, read(sys, p));
      }
    }
  }

  @Test
  void linuxMountsAnExt2ishImageReadOnlyAndReadsEveryFile() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root to mount a loop device");
    Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no loop devices");
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/filesystems"))
        && Files.readString(Path.of("/proc/filesystems")).contains("ext2")
        || Files.readString(Path.of("/proc/filesystems")).contains("ext4"),
        "the kernel has no ext2 driver");
    Ext2Fixture fx = new Ext2Fixture(64L << 20, 1024, false, "", "");
    fx.sys.mkdir("/mnt/a", 0755);
    fx.sys.mkdir("/mnt/a/b", 0700);
    java.util.Random rnd = new java.util.Random(11);
    System.out.println("seed 11");
    for (int i = 0; i < 60; i++) {
      String dir = i % 3 == 0 ? "/mnt" : i % 3 == 1 ? "/mnt/a" : "/mnt/a/b";
      int fd = fx.sys.open(dir + "/f" + i, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
      int len = rnd.nextInt(i % 10 == 0 ? 2 << 20 : 20_000);
      fx.sys.pwriteBytes(fd, Ext2Fixture.pattern(len, i), rnd.nextInt(3) == 0 ? 70_000 : 0);
      if (i % 7 == 0) {
        fx.sys.ftruncate(fd, len / 2);
      }
      fx.sys.close(fd);
    }
    for (int i = 0; i < 60; i += 5) {
      String dir = i % 3 == 0 ? "/mnt" : i % 3 == 1 ? "/mnt/a" : "/mnt/a/b";
      fx.sys.unlink(dir + "/f" + i);
    }
    Map<String, byte[]> expect = new TreeMap<>();
    collect(fx.sys, "/mnt", "", expect);
    fx.sys.umount("/mnt");
    Path img = Ext2Images.dump(fx.dev, tmp.resolve("k.img"));
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    E2fsprogs.Run mount = E2fsprogs.run("mount", "-o", "loop,ro", "-t", "ext2", img.toString(),
        mnt.toString());
    Assumptions.assumeTrue(mount.status() == 0, "mount -o loop,ro failed here: " + mount.out());
    try {
      Map<String, byte[]> seen = new TreeMap<>();
      try (Stream<Path> all = Files.walk(mnt)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          String r = mnt.relativize(p).toString();
          if (r.isEmpty()) {
            continue;
          }
          seen.put(Files.isDirectory(p) ? r + "/" : r,
              Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
        }
      }
      assertEquals(expect.keySet(), seen.keySet());
      for (String k : expect.keySet()) {
        assertArrayEquals(expect.get(k), seen.get(k), k);
      }
    } finally {
      E2fsprogs.Run um = E2fsprogs.run("umount", mnt.toString());
      assertEquals(0, um.status(), um.out());
    }
  }

}
