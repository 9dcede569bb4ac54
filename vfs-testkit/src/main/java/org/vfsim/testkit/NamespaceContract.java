package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.testkit.ContractFixture.PAGE;
import static org.vfsim.testkit.ContractFixture.assertErrno;
import static org.vfsim.testkit.ContractFixture.fill;
import static org.vfsim.testkit.ContractFixture.pattern;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.Capability;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * The contract's namespace cases on open files, and the space they account for: an unlinked
 * open file lives until its last close, a renamed one keeps working, readdir lists every
 * entry with its inode and type, and statfs stays sane while usage changes.
 */
interface NamespaceContract extends ContractCase {
  @Test
  default void unlinkedOpenFileKeepsItsDataUntilLastClose() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
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
  default void renamedOpenFileKeepsWorking() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    int fd = create("f");
    sys.pwriteBytes(fd, pattern(PAGE, 1), 0);
    long ino = sys.fstat(fd).ino();
    sys.close(create("g"));
    sys.rename(fs.path("f"), fs.path("g")); // replaces g
    assertErrno(Errno.ENOENT, () -> sys.stat(fs.path("f")));
    assertEquals(ino, sys.stat(fs.path("g")).ino());
    sys.pwriteBytes(fd, fill(10, 0x21), PAGE);
    int g = sys.open(fs.path("g"), Fcntl.O_RDONLY);
    assertArrayEquals(fill(10, 0x21), sys.preadBytes(g, 10, PAGE));
    assertArrayEquals(pattern(PAGE, 1), sys.preadBytes(g, PAGE, 0));
    sys.close(g);
    sys.close(fd);
  }

  @Test
  default void readdirListsEveryEntryWithItsInodeAndType() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
    List<String> names = new ArrayList<>(List.of("a", "b", "c"));
    for (String n : names) {
      sys.close(create(n));
    }
    if (fs.type().has(Capability.DIRECTORIES)) {
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
  default void statfsIsSaneAndTracksUsage() {
    MountedFilesystem fs = mounted();
    Syscalls sys = fs.sys();
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
    assertTrue(after.bfree() <= after.blocks() && after.bavail() <= after.bfree(),
        after.toString());
    assertTrue(usedBytes() <= dataBefore - (1 << 20),
        "data space back after unlink: " + dataBefore + " -> " + usedBytes() + " bytes");
  }
}
