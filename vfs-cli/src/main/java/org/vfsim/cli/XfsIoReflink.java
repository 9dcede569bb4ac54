package org.vfsim.cli;

import java.util.List;
import org.vfsim.cli.io.TransferReport;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * xfs_io's {@code reflink} (xfsprogs {@code io/reflink.c}): FICLONE of a whole file into the
 * current one, or FICLONERANGE of a range.
 */
final class XfsIoReflink {
  private final XfsIoShell sh;

  private XfsIoReflink(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoReflink c = new XfsIoReflink(sh);
    sh.addParsed("reflink", 1, 4, false, false, "Cq", "reflink infile [src_off dst_off len] --"
        + " reflinks an entire file, or a number of bytes at a specified offset", c::reflink);
  }

  /** FICLONE of a whole file (reported as 0/0 bytes, as xfs_io does) or FICLONERANGE. */
  private void reflink(List<String> argv, Getopt g) {
    if (g.operands.size() != 1 && g.operands.size() != 4) {
      sh.usage(argv);
      return;
    }
    long srcOff = 0;
    long dstOff = 0;
    long len = 0;
    if (g.operands.size() == 4) {
      srcOff = sh.num(g.operands.get(1));
      dstOff = sh.num(g.operands.get(2));
      len = sh.num(g.operands.get(3));
      if (srcOff < 0 || dstOff < 0 || len < 0) {
        sh.usage(argv);
        return;
      }
    }
    String infile = g.operands.get(0);
    int src;
    try {
      src = sh.sys().open(SimulatedSystem.pathOf(infile), Fcntl.O_RDONLY);
    } catch (ErrnoException e) {
      sh.err.println(infile + ": " + e.errno().message());
      sh.fail();
      return;
    }
    long start = sh.now();
    try {
      sh.sys().cloneRange(src, srcOff, sh.files.fd(), dstOff, len);
    } catch (ErrnoException e) {
      sh.perror("reflink", e);
      return;
    } finally {
      sh.sys().close(src);
      sh.charge();
    }
    if (!g.has('q')) {
      sh.out.print(new TransferReport("linked", dstOff, len, len, 1, sh.now() - start).render());
    }
  }
}
