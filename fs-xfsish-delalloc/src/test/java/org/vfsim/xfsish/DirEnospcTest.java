package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.fs.OpenFile;

/** A create that needs new metadata blocks on a full filesystem fails before changing anything. */
class DirEnospcTest {
  /** Names of 20 bytes: 11 fit in the inode's literal area, the 12th converts to a block. */
  private static String name(int i) {
    return String.format("entry-%014d", i);
  }

  private static void fill(XfsFixture f) {
    int fd = f.create("fill");
    byte[] chunk = XfsFixture.pattern(1 << 20, 1);
    long off = 0;
    try {
      while (true) {
        f.sys.pwriteBytes(fd, chunk, off);
        off += chunk.length;
      }
    } catch (ErrnoException e) {
      assertEquals(Errno.ENOSPC, e.errno());
    }
    byte[] page = XfsFixture.pattern(4096, 2);
    try {
      while (true) {
        f.sys.pwriteBytes(fd, page, off);
        off += page.length;
        f.sys.fsync(fd);
      }
    } catch (ErrnoException e) {
      assertEquals(Errno.ENOSPC, e.errno());
    }
    // The last few blocks a buffered write cannot reserve (its worst-case indlen): fallocate.
    long bs = f.current().bs;
    while (f.current().fdblocks() > 0) {
      f.sys.fallocate(fd, 0, off, bs);
      off += bs;
    }
    f.sys.close(fd);
  }

  private static List<String> names(XfsFixture f, String dir) {
    List<String> out = new ArrayList<>();
    for (var e : f.sys.readdir(dir)) {
      out.add(e.name());
    }
    out.removeIf(n -> n.equals(".") || n.equals(".."));
    out.sort(null);
    return out;
  }

  @Test
  void shortformToBlockConversionOnFullFilesystemFailsCleanly() {
    XfsFixture f = new XfsFixture(16 << 20, false, "", "");
    f.sys.mkdir("/mnt/d", 0755);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      f.sys.close(f.create("d/" + name(i)));
      expected.add(name(i));
    }
    XfsInode d = f.inode("d");
    assertNull(d.dir, "11 entries are still shortform");
    fill(f);
    f.sys.sync();
    assertEquals(0, f.current().fdblocks(), "the data file took every free block");

    ErrnoException e = assertThrows(ErrnoException.class, () -> f.create("d/" + name(11)));
    assertEquals(Errno.ENOSPC, e.errno());
    assertNull(d.dir, "the directory stays shortform");
    assertEquals(expected, names(f, "/mnt/d"));
    assertNull(f.inode("d").lookup(name(11)));
    f.check();
    // A create that needs no new block (a free inode in the chunk, room in the inode) works.
    f.sys.close(f.create("x"));
    f.check();

    f.sys.sync();
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    f.check();
    assertEquals(expected, names(f, "/mnt/d"));
    assertTrue(names(f, "/mnt").contains("x"));
    // Space freed: the conversion now goes through.
    f.sys.unlink("/mnt/fill");
    f.sys.close(f.create("d/" + name(11)));
    assertTrue(f.inode("d").dir != null, "converted to a block");
    f.check();
  }

  @Test
  void renameIntoAShortformDirectoryOnFullFilesystemFailsCleanly() {
    XfsFixture f = new XfsFixture(16 << 20, false, "", "");
    f.sys.mkdir("/mnt/d", 0755);
    for (int i = 0; i < 11; i++) {
      f.sys.close(f.create("d/" + name(i)));
    }
    f.sys.close(f.create(name(11)));
    fill(f);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.sys.rename("/mnt/" + name(11), "/mnt/d/" + name(11)));
    assertEquals(Errno.ENOSPC, e.errno());
    assertNull(f.inode("d").dir);
    assertEquals(11, names(f, "/mnt/d").size());
    assertTrue(names(f, "/mnt").contains(name(11)), "the source entry is still there");
    f.check();
  }
}
