package org.vfsim.cli;

import java.util.List;
import java.util.Map;
import org.vfsim.fs.FallocMode;
import org.vfsim.syscall.ErrnoException;

/**
 * xfs_io's fallocate(2) commands (xfsprogs {@code io/prealloc.c}): {@code falloc},
 * {@code fpunch} and {@code fzero}.
 */
final class XfsIoPrealloc {
  private final XfsIoShell sh;

  private XfsIoPrealloc(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoPrealloc c = new XfsIoPrealloc(sh);
    sh.addParsed("falloc", 2, -1, false, false, "ckpu", "falloc [-c] [-k] [-p] [-u] off len --"
        + " allocates space associated with part of a file via fallocate",
        (argv, g) -> c.fallocate(argv, g, 0, true));
    sh.addParsed("fpunch", 2, 2, false, false, "", "fpunch off len -- de-allocates space"
        + " associated with part of a file via fallocate",
        (argv, g) -> c.fallocate(argv, g, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, true));
    sh.addParsed("fzero", 2, 3, false, false, "k", "fzero [-k] off len -- zeroes space and"
        + " eliminates holes by preallocating",
        (argv, g) -> c.fallocate(argv, g, FallocMode.ZERO_RANGE, false));
  }

  /** Parses {@code off len} and calls fallocate; xfs_io reports failures as "fallocate". */
  private void fallocate(List<String> argv, Getopt g, int mode, boolean setsExit) {
    mode |= g.bits(Map.of('k', FallocMode.KEEP_SIZE,
        'p', FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE,
        'c', FallocMode.COLLAPSE_RANGE, 'u', FallocMode.UNSHARE_RANGE));
    XfsIoShell.Range range = sh.offsetAndLength(argv, g);
    if (range == null) {
      return;
    }
    try {
      sh.sys().fallocate(sh.files.fd(), mode, range.offset(), range.length());
    } catch (ErrnoException e) {
      sh.err.println("fallocate: " + e.errno().message());
      // xfs_io 6.1 sets the exit status for falloc and fpunch failures but not for fzero.
      if (setsExit) {
        sh.fail();
      }
    } finally {
      sh.charge();
    }
  }
}
