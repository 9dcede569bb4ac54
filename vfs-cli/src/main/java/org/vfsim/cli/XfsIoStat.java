package org.vfsim.cli;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.vfsim.cli.io.StatTimes;
import org.vfsim.fs.Stat;
import org.vfsim.fs.StatFs;
import org.vfsim.syscall.ErrnoException;

/**
 * xfs_io's {@code stat} and {@code statfs} (xfsprogs {@code io/stat.c}): fstat(2) and
 * fstatfs(2) of the current file, field by field in xfs_io 6.1's words.
 */
final class XfsIoStat {
  private static final long ST_VALID = 0x20;
  private static final long ST_RELATIME = 0x1000;

  private final XfsIoShell sh;

  private XfsIoStat(XfsIoShell sh) {
    this.sh = sh;
  }

  static XfsIoStat register(XfsIoShell sh) {
    XfsIoStat c = new XfsIoStat(sh);
    sh.addParsed("stat", 0, 1, false, false, "rv", "stat [-v|-r] -- statistics on the currently"
        + " open file", c::stat);
    sh.addParsed("statfs", 0, -1, false, false, "cgs", "statfs [-c] [-g] [-s] -- statistics on the"
        + " filesystem of the currently open file", c::statfs);
    return c;
  }

  /** glibc's {@code major(3)}: bits 8-19 and 44-63 of a dev_t, a 32-bit number. */
  static long devMajor(long dev) {
    return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
  }

  /** glibc's {@code minor(3)}: bits 0-7 and 20-43 of a dev_t, a 32-bit number. */
  static long devMinor(long dev) {
    return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
  }

  private void stat(List<String> argv, Getopt g) {
    // xfs_io 6.1 ignores an operand, and -r (the raw struct stat) wins over -v.
    if (g.has('r')) {
      rawStat();
    } else {
      stat(g.has('v'));
    }
  }

  /** fstat of the current file (O_PATH ones too), or null after perror. */
  private @Nullable Stat fstat() {
    try {
      return sh.sys().fstat(sh.files.file().fd());
    } catch (ErrnoException e) {
      sh.perror("fstat", e);
      return null;
    }
  }

  /** The plain listing; {@code verbose} adds the three times as ctime(3) dates. */
  void stat(boolean verbose) {
    XfsIoFiles.FileEntry f = sh.files.file();
    Stat st = fstat();
    if (st == null) {
      return;
    }
    sh.out.println("fd.path = \"" + f.name() + "\"");
    sh.out.println("fd.flags = " + XfsIoFiles.flagWords(f.flags()));
    sh.out.println("stat.ino = " + st.ino());
    sh.out.println("stat.type = " + switch (st.type()) {
      case REGULAR -> "regular file";
      case DIRECTORY -> "directory";
      default -> st.type().name().toLowerCase(Locale.ROOT);
    });
    sh.out.println("stat.size = " + st.size());
    sh.out.println("stat.blocks = " + st.blocks());
    if (verbose) {
      sh.out.println("stat.atime = " + StatTimes.ctime(st.atimeNanos()));
      sh.out.println("stat.mtime = " + StatTimes.ctime(st.mtimeNanos()));
      sh.out.println("stat.ctime = " + StatTimes.ctime(st.ctimeNanos()));
    }
  }

  /**
   * {@code stat -r}: struct stat field by field in xfs_io 6.1's order (ctime before mtime).
   * Simulated files are regular files and directories, so st_rdev is 0; st_dev is decoded as
   * glibc's major()/minor() decode a dev_t.
   */
  private void rawStat() {
    Stat st = fstat();
    if (st == null) {
      return;
    }
    sh.out.println("stat.blksize = " + st.blksize());
    sh.out.println("stat.nlink = " + st.nlink());
    sh.out.println("stat.uid = " + st.uid());
    sh.out.println("stat.gid = " + st.gid());
    int mode = st.type().modeBits() | st.mode();
    sh.out.println("stat.mode: " + (mode == 0 ? "0" : "0" + Integer.toOctalString(mode)));
    sh.out.println("stat.ino = " + st.ino());
    sh.out.println("stat.size = " + st.size());
    sh.out.println("stat.blocks = " + st.blocks());
    printTimespec("atime", st.atimeNanos());
    printTimespec("ctime", st.ctimeNanos());
    printTimespec("mtime", st.mtimeNanos());
    sh.out.println("stat.rdev_major = 0");
    sh.out.println("stat.rdev_minor = 0");
    sh.out.println("stat.dev_major = " + devMajor(st.dev()));
    sh.out.println("stat.dev_minor = " + devMinor(st.dev()));
  }

  private void printTimespec(String which, long nanos) {
    sh.out.println("stat." + which + ".tv_sec = " + StatTimes.seconds(nanos));
    sh.out.println("stat." + which + ".tv_nsec = " + StatTimes.nanoseconds(nanos));
  }

  /**
   * statfs: -s prints statfs(2), -c and -g the XFS counts and geometry, which a foreign
   * filesystem does not have; no option means all of them.
   */
  private void statfs(List<String> argv, Getopt g) {
    XfsIoFiles.FileEntry f = sh.files.file();
    if (!g.options.isEmpty() && !g.has('s')) {
      sh.out.println("fd.path = \"" + f.name() + "\"");
      return;
    }
    StatFs s;
    try {
      s = sh.sys().fstatfs(f.fd());
    } catch (ErrnoException e) {
      sh.perror("fstatfs", e);
      return;
    }
    sh.out.println("fd.path = \"" + f.name() + "\"");
    sh.out.println("statfs.f_bsize = " + s.bsize());
    sh.out.println("statfs.f_blocks = " + s.blocks());
    sh.out.println("statfs.f_bavail = " + s.bavail());
    sh.out.println("statfs.f_files = " + s.files());
    sh.out.println("statfs.f_ffree = " + s.ffree());
    sh.out.printf("statfs.f_flags = 0x%x%n", ST_RELATIME | ST_VALID);
  }
}
