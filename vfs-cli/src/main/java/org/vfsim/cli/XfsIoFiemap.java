package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.cli.io.ExtentRow;
import org.vfsim.cli.io.FiemapTable;
import org.vfsim.cli.io.FilefragReport;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.Stat;
import org.vfsim.fs.Vfs;
import org.vfsim.syscall.ErrnoException;

/**
 * The extent listings (xfsprogs {@code io/fiemap.c}): xfs_io's {@code fiemap}, and vfsim's
 * {@code filefrag}, the same FS_IOC_FIEMAP answer as {@code filefrag -v} prints it.
 */
final class XfsIoFiemap {
  private final XfsIoShell sh;

  private XfsIoFiemap(XfsIoShell sh) {
    this.sh = sh;
  }

  static void register(XfsIoShell sh) {
    XfsIoFiemap c = new XfsIoFiemap(sh);
    sh.addParsed("fiemap", 0, -1, false, false, "alvn:", "fiemap [-alv] [-n nx] [offset [len]] --"
        + " print block mapping for a file", c::fiemap);
    sh.add("filefrag", 0, 0, false, false, "", "filefrag -- the extent list as filefrag -v"
        + " prints it", argv -> c.filefrag());
  }

  /** FS_IOC_FIEMAP with FIEMAP_FLAG_SYNC over [start, start + len), len 0 meaning to EOF. */
  private List<ExtentRow> extents(long start, long len) {
    List<FiemapExtent> ext = sh.sys().fiemap(sh.files.fd(), start, len, Vfs.FIEMAP_FLAG_SYNC);
    sh.charge();
    List<ExtentRow> rows = new ArrayList<>();
    for (FiemapExtent e : ext) {
      rows.add(new ExtentRow(e.logical(), e.physical(), e.length(), e.flags()));
    }
    return rows;
  }

  private void fiemap(List<String> argv, Getopt g) {
    long start = 0;
    long len = Long.MAX_VALUE;
    if (!g.operands.isEmpty()) {
      Long startArg = sh.numericArgument("offset", g.operands.get(0));
      if (startArg == null) {
        return;
      }
      start = startArg;
    }
    if (g.operands.size() >= 2) {
      Long lenArg = sh.numericArgument("len", g.operands.get(1));
      if (lenArg == null) {
        return;
      }
      len = lenArg;
    }
    String name = sh.files.file().name();
    List<ExtentRow> rows;
    try {
      rows = extents(start, len == Long.MAX_VALUE ? 0 : len);
    } catch (ErrnoException e) {
      sh.out.println(name + ":");
      sh.err.println("xfs_io: ioctl(FS_IOC_FIEMAP) [\"" + name + "\"]: " + e.errno().message());
      sh.fail();
      return;
    }
    boolean whole = g.operands.isEmpty();
    String text = g.has('v')
        ? (whole ? FiemapTable.verbose(name, rows) : FiemapTable.verbose(name, rows, start, len))
        : (whole ? FiemapTable.plain(name, rows) : FiemapTable.plain(name, rows, start, len));
    sh.out.print(text);
  }

  private void filefrag() {
    XfsIoFiles.FileEntry f = sh.files.file();
    List<ExtentRow> rows;
    Stat st;
    try {
      rows = extents(0, 0);
      st = sh.sys().fstat(sh.files.fd());
    } catch (ErrnoException e) {
      sh.err.println("filefrag: " + f.name() + ": FIEMAP failed: " + e.errno().message());
      sh.fail();
      return;
    }
    sh.out.print(FilefragReport.verbose(sh.sys().fstatfs(sh.files.fd()).type(), f.name(), st.size(),
        sh.system.superBlock().blockSize(), rows));
  }
}
