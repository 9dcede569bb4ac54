package org.vfsim.cli;

import java.util.List;
import java.util.Map;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;

/**
 * xfs_io's file table commands (xfsprogs {@code io/open.c} and {@code io/file.c}): {@code open}
 * a file into the table, make another one current with {@code file}, {@code close} it.
 */
final class XfsIoOpen {
  private final XfsIoShell sh;
  private final XfsIoStat stat;

  private XfsIoOpen(XfsIoShell sh, XfsIoStat stat) {
    this.sh = sh;
    this.stat = stat;
  }

  /** Registers the commands; {@code open} with no path shows the current file as stat does. */
  static void register(XfsIoShell sh, XfsIoStat stat) {
    XfsIoOpen c = new XfsIoOpen(sh, stat);
    sh.add("open", 0, -1, true, true, "acdfrstxRTPLm:", "open [-acdrstxRTPL] [-m mode] [path] --"
        + " open the file specified by path", c::open);
    sh.add("file", 0, 1, true, true, "", "file [N] -- set the current file", c::file);
    sh.add("close", 0, 0, true, true, "", "close -- close the current open file",
        argv -> c.close());
  }

  private void open(List<String> argv) {
    if (argv.size() == 1) {
      if (!sh.files.hasCurrent()) {
        sh.noFiles();
        return;
      }
      stat.stat(false);
      return;
    }
    Getopt g = sh.getopt(argv);
    if (g == null) {
      return;
    }
    if (g.operands.size() != 1) {
      sh.usage(argv);
      return;
    }
    Map<Character, Long> opts = sh.numericOptions(g);
    if (opts == null) {
      return;
    }
    int mode = (int) (opts.getOrDefault('m', 0600L) & 07777);
    int flags = (g.has('r') ? Fcntl.O_RDONLY : Fcntl.O_RDWR)
        | g.bits(Map.of('c', Fcntl.O_CREAT, 'f', Fcntl.O_CREAT, 't', Fcntl.O_TRUNC,
            'a', Fcntl.O_APPEND, 's', Fcntl.O_SYNC));
    String name = g.operands.get(0);
    try {
      sh.opened(name, () -> {
        if (g.has('d')) {
          // open(2) refuses O_DIRECT where the filesystem has no direct_IO; none is simulated.
          throw Errno.EINVAL.exception("O_DIRECT is not simulated");
        }
        if (g.has('T')) {
          // O_TMPFILE on a filesystem without ->tmpfile.
          throw Errno.EOPNOTSUPP.exception("O_TMPFILE is not simulated");
        }
        sh.files.open(name, flags, mode, g.has('P'));
      });
    } finally {
      sh.charge();
    }
  }

  private void file(List<String> argv) {
    if (argv.size() == 2) {
      int n = sh.tableIndex(argv.get(1), sh.files.count());
      if (n < 0) {
        return;
      }
      sh.files.select(n);
    }
    if (sh.files.count() == 0) {
      sh.noFiles();
      return;
    }
    sh.files.list();
  }

  private void close() {
    if (!sh.files.hasCurrent()) {
      sh.noFiles();
      return;
    }
    sh.files.closeCurrent();
    sh.files.list();
  }
}
