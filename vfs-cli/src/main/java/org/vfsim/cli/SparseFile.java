package org.vfsim.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The data ranges of a sparse host file, found with {@code lseek(SEEK_DATA/SEEK_HOLE)} so that
 * loading an image costs time in proportion to the blocks it holds, not to the device's size.
 * Where the host cannot say (no such call, or not Linux), the whole range counts as data and
 * the caller skips the zero blocks it reads.
 */
final class SparseFile {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;

  private static final MethodHandle OPEN;
  private static final MethodHandle LSEEK;
  private static final MethodHandle CLOSE;

  static {
    MethodHandle open = null;
    MethodHandle lseek = null;
    MethodHandle close = null;
    try {
      if (System.getProperty("os.name", "").equals("Linux")) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        open = linker.downcallHandle(libc.find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
        lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        close = linker.downcallHandle(libc.find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
      }
    } catch (RuntimeException | Error e) {
      open = null; // native access refused: scan everything
    }
    OPEN = open;
    LSEEK = lseek;
    CLOSE = close;
  }

  private SparseFile() {}

  /** The data ranges {@code [start, end)} of {@code file} within {@code [0, limit)}. */
  static List<long[]> dataRanges(Path file, long limit) {
    List<long[]> all = List.of(new long[] {0, limit});
    if (OPEN == null) {
      return all;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(file.toString());
      int fd = (int) OPEN.invokeExact(name, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0) {
        return all;
      }
      try {
        List<long[]> out = new ArrayList<>();
        long at = 0;
        while (at < limit) {
          long data = (long) LSEEK.invokeExact(fd, at, SEEK_DATA);
          if (data < 0 || data >= limit) {
            break; // ENXIO: no data after 'at'
          }
          long hole = (long) LSEEK.invokeExact(fd, data, SEEK_HOLE);
          if (hole < 0) {
            return all;
          }
          out.add(new long[] {data, Math.min(hole, limit)});
          at = hole;
        }
        return out;
      } finally {
        int ignored = (int) CLOSE.invokeExact(fd);
      }
    } catch (Throwable t) {
      return all;
    }
  }
}
