package org.vfsim.cli;

import java.util.List;

/** xfs_io's {@code truncate} (xfsprogs {@code io/truncate.c}): ftruncate(2) of the file. */
final class XfsIoTruncate {
  private final XfsIoShell sh;

  private XfsIoTruncate(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoTruncate c = new XfsIoTruncate(sh);
    sh.add("truncate", 1, 1, false, false, "", "truncate off -- truncates the current file at"
        + " the given offset", c::truncate);
  }

  private void truncate(List<String> argv) {
    Long sizeArg = sh.numericArgument("truncate", argv.get(1));
    if (sizeArg == null) {
      return;
    }
    long size = sizeArg;
    sh.syncCall("ftruncate", () -> sh.sys().ftruncate(sh.files.fd(), size));
  }
}
