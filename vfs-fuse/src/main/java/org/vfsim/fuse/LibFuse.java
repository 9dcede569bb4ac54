package org.vfsim.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The few functions of libfuse 3's high-level API that a mount needs, reached through the FFM
 * API: {@code fuse_new}, {@code fuse_mount}, {@code fuse_loop}, {@code fuse_unmount},
 * {@code fuse_destroy}, {@code fuse_get_context}, plus libc's {@code geteuid}. The structures
 * are laid out in {@link Layouts}.
 */
final class LibFuse {
  /** Where Debian's {@code libfuse3-3} puts the library; other paths are tried after it. */
  static final List<String> LIBRARY_PATHS = List.of(
      "/usr/lib/x86_64-linux-gnu/libfuse3.so.3", "/usr/lib/aarch64-linux-gnu/libfuse3.so.3",
      "/usr/lib64/libfuse3.so.3", "/usr/lib/libfuse3.so.3", "/lib/x86_64-linux-gnu/libfuse3.so.3");

  static final Linker LINKER = Linker.nativeLinker();

  private final MethodHandle fuseNew;
  private final MethodHandle fuseMount;
  private final MethodHandle fuseLoop;
  private final MethodHandle fuseUnmount;
  private final MethodHandle fuseDestroy;
  private final MethodHandle fuseGetContext;
  /** {@code int (*fuse_fill_dir_t)(void *buf, const char *name, struct stat *, off_t, flags)}. */
  final MethodHandle fillDir;

  private LibFuse(SymbolLookup lib) {
    // fuse_new_31 is the 3.1+ ABI of fuse_new (libfuse 3.17 still exports it for old callers).
    MemorySegment newFn = lib.find("fuse_new_31").or(() -> lib.find("fuse_new")).orElseThrow();
    fuseNew = LINKER.downcallHandle(newFn,
        FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    fuseMount = downcall(lib, "fuse_mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    fuseLoop = downcall(lib, "fuse_loop", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    fuseUnmount = downcall(lib, "fuse_unmount", FunctionDescriptor.ofVoid(ADDRESS));
    fuseDestroy = downcall(lib, "fuse_destroy", FunctionDescriptor.ofVoid(ADDRESS));
    fuseGetContext = downcall(lib, "fuse_get_context", FunctionDescriptor.of(ADDRESS));
    fillDir = LINKER.downcallHandle(
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  private static MethodHandle downcall(SymbolLookup lib, String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(lib.find(name).orElseThrow(
        () -> new IllegalStateException("libfuse3 has no " + name)), d);
  }

  /** The first libfuse 3 found, or empty (the caller says which paths it tried). */
  static Optional<LibFuse> load() {
    for (String p : LIBRARY_PATHS) {
      if (Files.isReadable(Path.of(p))) {
        return Optional.of(new LibFuse(SymbolLookup.libraryLookup(Path.of(p), Arena.global())));
      }
    }
    return Optional.empty();
  }

  /** {@code geteuid(2)}: mounting without {@code fusermount3} needs root. */
  static int geteuid() {
    try {
      MethodHandle h = LINKER.downcallHandle(
          LINKER.defaultLookup().find("geteuid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
      return (int) h.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("geteuid", t);
    }
  }

  MemorySegment fuseNew(MemorySegment args, MemorySegment ops, long opSize) {
    try {
      return (MemorySegment) fuseNew.invokeExact(args, ops, opSize, MemorySegment.NULL);
    } catch (Throwable t) {
      throw new IllegalStateException("fuse_new", t);
    }
  }

  int fuseMount(MemorySegment fuse, MemorySegment mountPoint) {
    try {
      return (int) fuseMount.invokeExact(fuse, mountPoint);
    } catch (Throwable t) {
      throw new IllegalStateException("fuse_mount", t);
    }
  }

  int fuseLoop(MemorySegment fuse) {
    try {
      return (int) fuseLoop.invokeExact(fuse);
    } catch (Throwable t) {
      throw new IllegalStateException("fuse_loop", t);
    }
  }

  void fuseUnmount(MemorySegment fuse) {
    try {
      fuseUnmount.invokeExact(fuse);
    } catch (Throwable t) {
      throw new IllegalStateException("fuse_unmount", t);
    }
  }

  void fuseDestroy(MemorySegment fuse) {
    try {
      fuseDestroy.invokeExact(fuse);
    } catch (Throwable t) {
      throw new IllegalStateException("fuse_destroy", t);
    }
  }

  /** The caller of the request being served: {@code struct fuse_context}. */
  MemorySegment context() {
    try {
      return ((MemorySegment) fuseGetContext.invokeExact()).reinterpret(Layouts.CONTEXT_SIZE);
    } catch (Throwable t) {
      throw new IllegalStateException("fuse_get_context", t);
    }
  }
}
