package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.cli.io.HexDump;
import org.vfsim.cli.io.TransferReport;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * xfs_io's memory-mapping commands (xfsprogs {@code io/mmap.c}) and their table of mappings with
 * its "current mapping": {@code mmap}, {@code mread}, {@code mwrite}, {@code msync},
 * {@code munmap}, and vfsim's {@code mpwrite}, a pwrite(2) whose source buffer is the mapping.
 */
final class XfsIoMmap {
  static final byte DEFAULT_MWRITE_SEED = 'X';

  /** One mapping of the table ({@code mmap_region_t}). */
  private record MapEntry(long addr, long length, long offset, int prot, String name) {}

  /** A range of the current mapping: {@code rel} bytes from its start, {@code length} long. */
  private record MapRange(long rel, long length) {}

  private final XfsIoShell sh;
  private final List<MapEntry> maps = new ArrayList<>();
  private int currentMap = -1;

  private XfsIoMmap(XfsIoShell sh) {
    this.sh = sh;
  }

  static XfsIoMmap register(XfsIoShell sh) {
    XfsIoMmap c = new XfsIoMmap(sh);
    sh.add("mmap", 0, -1, true, false, "rwxSs:", "mmap [N] | [-rwxS] [-s size] [off len] -- mmap"
        + " a range in the current file, show mappings", c::mmap);
    sh.add("mread", 0, -1, false, false, "frv", "mread [-r] [off len] -- reads data from a region"
        + " in the current memory mapping", c::mread);
    sh.add("mwrite", 0, -1, false, false, "rS:", "mwrite [-r] [-S seed] [off len] -- writes data"
        + " into a region in the current memory mapping", c::mwrite);
    sh.add("msync", 0, -1, false, false, "ais", "msync [-ais] [off len] -- flush a region in the"
        + " current memory mapping", c::msync);
    sh.add("munmap", 0, 0, false, false, "", "munmap -- unmaps the current memory mapping",
        c::munmap);
    // vfsim's own: what xfs_io cannot show on a real kernel.
    sh.add("mpwrite", 3, 3, false, false, "", "mpwrite off len mapoff -- pwrite whose source"
        + " buffer is the current mapping at mapoff (the write-fault deadlock case)", c::mpwrite);
    return c;
  }

  /** At exit: munmap every mapping, as process exit does. */
  void unmapAll() {
    for (MapEntry m : List.copyOf(maps)) {
      sh.sys().munmap(m.addr(), m.length());
    }
    maps.clear();
  }

  /** After a power cut: the process and its mappings are gone. */
  void forgetAll() {
    maps.clear();
    currentMap = -1;
  }

  private void listMaps() {
    for (int i = 0; i < maps.size(); i++) {
      MapEntry m = maps.get(i);
      String prot = ((m.prot() & Fcntl.PROT_READ) != 0 ? "r" : "-")
          + ((m.prot() & Fcntl.PROT_WRITE) != 0 ? "w" : "-")
          + ((m.prot() & Fcntl.PROT_EXEC) != 0 ? "x" : "-");
      sh.out.printf("%c%03d%c 0x%x - 0x%x %s  %14s (%d : %d)%n", i == currentMap ? '[' : ' ', i,
          i == currentMap ? ']' : ' ', m.addr(), m.addr() + m.length(), prot, m.name(),
          m.offset(), m.length());
    }
  }

  private boolean requireMapping() {
    if (maps.isEmpty()) {
      sh.err.println("no mapped regions, try 'help mmap'");
      return false;
    }
    return true;
  }

  /** The options of a command that needs a mapping, or null after the complaint. */
  private @Nullable Getopt mappingOptions(List<String> argv) {
    return requireMapping() ? sh.getopt(argv) : null;
  }

  private void mmap(List<String> argv) {
    if (argv.size() == 1) {
      if (maps.isEmpty()) {
        sh.err.println("no mapped regions, try 'help mmap'");
        sh.fail();
        return;
      }
      listMaps();
      return;
    }
    if (argv.size() == 2 && !argv.get(1).startsWith("-")) {
      int n = sh.tableIndex(argv.get(1), maps.size());
      if (n < 0) {
        return;
      }
      currentMap = n;
      listMaps();
      return;
    }
    Getopt g = sh.getopt(argv);
    if (g == null) {
      return;
    }
    int prot = g.bits(Map.of('r', Fcntl.PROT_READ, 'w', Fcntl.PROT_WRITE, 'x', Fcntl.PROT_EXEC));
    if (prot == 0) {
      prot = Fcntl.PROT_READ | Fcntl.PROT_WRITE | Fcntl.PROT_EXEC;
    }
    XfsIoShell.Range range = sh.offsetAndLength(argv, g);
    if (range == null) {
      return;
    }
    long offset = range.offset();
    long length = range.length();
    if (!sh.files.hasCurrent()) {
      sh.noFiles();
      return;
    }
    try {
      if (g.has('S')) {
        // MAP_SHARED_VALIDATE|MAP_SYNC needs DAX, which no simulated filesystem has.
        throw Errno.EOPNOTSUPP.exception("MAP_SYNC without DAX");
      }
      int flags = Fcntl.MAP_SHARED;
      long addr = sh.sys().mmap(0, length, prot, flags, sh.files.fd(), offset);
      maps.add(new MapEntry(addr, length, offset, prot, sh.files.file().name()));
      currentMap = maps.size() - 1;
    } catch (ErrnoException e) {
      sh.perror("mmap", e);
    } finally {
      sh.charge();
    }
  }

  /** The mapping-relative range [off, off+len) of mread/mwrite/msync, or null after a message. */
  private @Nullable MapRange mapRange(Getopt g) {
    MapEntry m = maps.get(currentMap);
    long offset = m.offset();
    long length = m.length();
    if (g.operands.size() >= 1) {
      Long offsetArg = sh.numericArgument("offset", g.operands.get(0));
      if (offsetArg == null) {
        return null;
      }
      offset = offsetArg;
      length = m.length() - Math.max(0, offset - m.offset());
    }
    if (g.operands.size() >= 2) {
      Long lengthArg = sh.numericArgument("length", g.operands.get(1));
      if (lengthArg == null) {
        return null;
      }
      length = lengthArg;
    }
    if (offset < m.offset()) {
      return outOfMapping("offset (" + offset + ") is before start of mapping (" + m.offset()
          + ")");
    }
    long rel = offset - m.offset();
    if (rel > m.length()) {
      return outOfMapping("offset (" + rel + ") is beyond end of mapping (" + m.offset() + ")");
    }
    if (rel + length > m.length()) {
      return outOfMapping(beyondMapping(rel, length, m));
    }
    return new MapRange(rel, length);
  }

  private static String beyondMapping(long rel, long length, MapEntry m) {
    return "range (" + rel + ":" + length + ") is beyond mapping (" + m.offset() + ":"
        + m.length() + ")";
  }

  /** xfs_io's complaint about a range outside the mapping (standard output, exit status 1). */
  private @Nullable MapRange outOfMapping(String message) {
    sh.out.println(message);
    sh.fail();
    return null;
  }

  /** A user access the kernel answers with SIGBUS/SIGSEGV: the process dies, as xfs_io would. */
  private XfsIoShell.Killed killed(ErrnoException e) {
    // Past EOF of a file mapping the fault handler raises SIGBUS, which kills xfs_io (128 + 7).
    sh.err.println("Bus error");
    return new XfsIoShell.Killed(135);
  }

  private void mread(List<String> argv) {
    Getopt g = mappingOptions(argv);
    if (g == null) {
      return;
    }
    MapRange r = mapRange(g);
    if (r == null) {
      return;
    }
    MapEntry m = maps.get(currentMap);
    byte[] data;
    try {
      data = sh.sys().load(m.addr() + r.rel(), (int) r.length());
    } catch (ErrnoException e) {
      throw killed(e);
    } finally {
      sh.charge();
    }
    // -v dumps labelled from the mapping's start, -f from the file's.
    if (g.has('v') || g.has('f')) {
      sh.out.print(HexDump.format(g.has('f') ? m.offset() + r.rel() : r.rel(), data));
    }
  }

  private void mwrite(List<String> argv) {
    Getopt g = mappingOptions(argv);
    if (g == null) {
      return;
    }
    Map<Character, Long> opts = sh.numericOptions(g);
    if (opts == null) {
      return;
    }
    byte seed = (byte) opts.getOrDefault('S', (long) DEFAULT_MWRITE_SEED).longValue();
    MapRange r = mapRange(g);
    if (r == null) {
      return;
    }
    MapEntry m = maps.get(currentMap);
    try {
      sh.sys().store(m.addr() + r.rel(), XfsIoPwrite.filled((int) r.length(), seed));
    } catch (ErrnoException e) {
      throw killed(e);
    } finally {
      sh.charge();
    }
  }

  private void msync(List<String> argv) {
    Getopt g = mappingOptions(argv);
    if (g == null) {
      return;
    }
    int flags = g.bits(Map.of('a', Fcntl.MS_ASYNC, 'i', Fcntl.MS_INVALIDATE, 's', Fcntl.MS_SYNC));
    if (flags == 0) {
      flags = Fcntl.MS_ASYNC | Fcntl.MS_INVALIDATE;
    }
    MapRange r = mapRange(g);
    if (r == null) {
      return;
    }
    MapEntry m = maps.get(currentMap);
    int f = flags;
    // msync(2) wants a page-aligned address: start at the page holding the range's first byte.
    long head = r.rel() & 4095L;
    sh.syncCall("msync",
        () -> sh.sys().msync(m.addr() + (r.rel() & ~4095L), r.length() + head, f));
  }

  private void munmap(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    MapEntry m = maps.remove(currentMap);
    sh.syncCall("munmap", () -> sh.sys().munmap(m.addr(), m.length()));
    currentMap = maps.isEmpty() ? -1 : 0;
  }

  private void mpwrite(List<String> argv) {
    if (!requireMapping()) {
      return;
    }
    long offset = sh.num(argv.get(1));
    long len = sh.num(argv.get(2));
    long mapoff = sh.num(argv.get(3));
    if (offset < 0 || len < 0 || mapoff < 0) {
      sh.usage(argv);
      return;
    }
    MapEntry m = maps.get(currentMap);
    if (mapoff + len > m.length()) {
      outOfMapping(beyondMapping(mapoff, len, m));
      return;
    }
    long start = sh.now();
    long n;
    try {
      n = sh.sys().pwrite(sh.files.fd(), m.addr() + mapoff, len, offset);
    } catch (ErrnoException e) {
      sh.perror("pwrite", e);
      return;
    } finally {
      sh.charge();
    }
    sh.out.print(new TransferReport("wrote", offset, len, n, n > 0 ? 1 : 0, sh.now() - start)
        .render());
  }
}
