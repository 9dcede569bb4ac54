package org.vfsim.bench;

import org.openjdk.jol.info.GraphLayout;
import org.vfsim.Machine;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * Prints the heap cost of page-cache metadata per cached page beyond its 4096 data bytes: the
 * machine's object graph is measured with JOL at two cache sizes and the marginal bytes per page
 * are split into the data array (with and without its array header) and everything else (the
 * {@code Folio}, its share of the XArray nodes and marks).
 */
public final class PageCacheFootprint {
  private PageCacheFootprint() {}

  public static void main(String[] args) {
    int small = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
    int large = args.length > 1 ? Integer.parseInt(args[1]) : 4 * small;
    long a = machineBytes(small);
    long b = machineBytes(large);
    double perPage = (double) (b - a) / (large - small);
    long header = GraphLayout.parseInstance((Object) new byte[Folio.SIZE]).totalSize() - Folio.SIZE;
    System.out.printf("cached pages: %d -> %d, machine heap %d -> %d bytes%n", small, large, a, b);
    System.out.printf("per cached page: %.1f bytes total = 4096 data + %d byte[] header + %.1f metadata%n",
        perPage, header, perPage - Folio.SIZE - header);
    System.out.printf("metadata per page beyond 4096 data bytes: %.1f bytes counting the byte[] header,"
        + " %.1f without it (target <= 64)%n", perPage - Folio.SIZE, perPage - Folio.SIZE - header);
  }

  /** Heap bytes reachable from a machine whose page cache holds {@code pages} dirty pages of one file. */
  static long machineBytes(int pages) {
    Machine m = Machine.boot();
    Syscalls sys = m.syscalls(m.spawn("footprint").mainTask());
    int fd = sys.open("/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    byte[] page = new byte[Folio.SIZE];
    for (int i = 0; i < pages; i++) {
      sys.pwriteBytes(fd, page, (long) i * Folio.SIZE);
    }
    if (m.pageCache().stats().nrPages() != pages) {
      throw new IllegalStateException("expected " + pages + " cached pages");
    }
    return GraphLayout.parseInstance(m).totalSize();
  }
}
