package org.vfsim.cli;

import java.util.List;
import java.util.Map;
import org.vfsim.cli.io.HexDump;
import org.vfsim.cli.io.TransferReport;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Syscalls;

/**
 * xfs_io's {@code pread} (xfsprogs {@code io/pread.c}): reads in {@code -b}-sized pread(2)
 * calls, {@code -v} dumping what each call returned.
 */
final class XfsIoPread {
  private final XfsIoShell sh;

  private XfsIoPread(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoPread c = new XfsIoPread(sh);
    sh.addParsed("pread", 2, -1, false, false, "b:vq", "pread [-b bs] [-qv] [-i N] [-FBR [-Z N]]"
        + " off len -- reads a number of bytes at a specified offset", c::pread);
  }

  private void pread(List<String> argv, Getopt g) {
    Map<Character, Long> opts = sh.numericOptions(g);
    if (opts == null) {
      return;
    }
    long bsize = opts.getOrDefault('b', 4096L);
    if (g.operands.size() != 2) {
      sh.usage(argv);
      return;
    }
    Syscalls sys = sh.sys();
    // As in xfs_io, garbage parses as -1 and reaches the system call (offset) or reads to EOF.
    long offset = sh.num(g.operands.get(0));
    long count = sh.num(g.operands.get(1));
    if (count < 0) {
      count = Math.max(0, sys.fstat(sh.files.file().fd()).size() - Math.max(offset, 0));
    }
    if (!sh.bufferFits(argv.get(0), bsize)) {
      return;
    }
    boolean verbose = g.has('v');
    long start = sh.now();
    XfsIoShell.Moved moved = sh.transfer("pread", offset, count, (int) bsize, (pos, want) -> {
      if (pos < 0) {
        throw Errno.EINVAL.exception("negative offset");
      }
      byte[] got = sys.preadBytes(sh.files.fd(), want, pos);
      if (verbose && got.length > 0) {
        sh.out.print(HexDump.format(pos, got));
      }
      return got.length;
    });
    if (moved != null && !g.has('q')) {
      sh.out.print(new TransferReport("read", offset, count, moved.bytes(), moved.calls(),
          sh.now() - start).render());
    }
  }
}
