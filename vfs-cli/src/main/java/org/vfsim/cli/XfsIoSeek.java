package org.vfsim.cli;

import java.util.List;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * xfs_io's {@code seek} (xfsprogs {@code io/seek.c}): the next data and/or hole from an offset
 * by lseek(2) SEEK_DATA and SEEK_HOLE, {@code -r} walking on to the end of the file.
 */
final class XfsIoSeek {
  private final XfsIoShell sh;

  private XfsIoSeek(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoSeek c = new XfsIoSeek(sh);
    sh.addParsed("seek", 2, 5, false, false, "adhrs", "seek -a | -d | -h [-r] off -- locate the"
        + " next data and/or hole", c::seek);
  }

  private void seek(List<String> argv, Getopt g) {
    boolean data = g.has('a') || g.has('d');
    boolean hole = g.has('a') || g.has('h');
    if (!data && !hole || g.operands.size() != 1) {
      sh.usage(argv);
      return;
    }
    long start = sh.num(g.operands.get(0));
    if (start < 0) {
      sh.usage(argv);
      return;
    }
    boolean recurse = g.has('r');
    boolean showStart = g.has('s');
    int fd = sh.files.fd();
    // Which comes first from start: a hole (start is in one) or data.
    boolean currentIsHole;
    if (hole) {
      long h = lseekOrEof(fd, start, Fcntl.SEEK_HOLE);
      currentIsHole = h == start || !data;
    } else {
      currentIsHole = false;
    }
    sh.out.println(showStart ? "Whence\tStart\tResult" : "Whence\tResult");
    long from = start;
    for (int c = 0; ; c++) {
      String word = currentIsHole ? "HOLE" : "DATA";
      long r = lseekOrEof(fd, from, currentIsHole ? Fcntl.SEEK_HOLE : Fcntl.SEEK_DATA);
      if (r < 0) {
        if (c == 0) {
          sh.out.println(showStart ? word + "\t" + from + "\tEOF" : word + "\tEOF");
        }
        return;
      }
      sh.out.println(showStart ? word + "\t" + from + "\t" + r : word + "\t" + r);
      if (!recurse && (c == 1 || !(data && hole))) {
        return;
      }
      if (data && hole) {
        currentIsHole = !currentIsHole;
        from = r;
      } else {
        // Only one kind is shown: skip over the other kind to the next of this one.
        long other = lseekOrEof(fd, r, currentIsHole ? Fcntl.SEEK_DATA : Fcntl.SEEK_HOLE);
        if (other < 0) {
          return;
        }
        from = other;
      }
    }
  }

  /** lseek, or -1 for ENXIO (no more data or holes). */
  private long lseekOrEof(int fd, long offset, int whence) {
    try {
      return sh.sys().lseek(fd, offset, whence);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ENXIO) {
        return -1;
      }
      throw e;
    } finally {
      sh.charge();
    }
  }
}
