package org.vfsim.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The lock a run holds on its image from loading to saving, so that two runs on one image take
 * turns instead of each renaming its own copy over the other's. A POSIX record lock on
 * {@code .NAME.lock} next to the image (not on the image itself, which a save replaces by
 * rename): exclusive for a run that saves, shared for a read-only one. Locks are the host
 * process's, so runs inside one JVM (tests) also take a lock of this class per path.
 */
final class ImageLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, Shared> LOCKS = new ConcurrentHashMap<>();

  /** The in-JVM side of one lock file: who holds it here, and the host lock while anyone does. */
  private static final class Shared {
    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock(true);
    int holders;
    @Nullable FileChannel channel;
    @Nullable FileLock lock;
  }

  private final Shared shared;
  private final Lock held;
  private boolean closed;

  private ImageLock(Shared shared, Lock held) {
    this.shared = shared;
    this.held = held;
  }

  static Path lockFileOf(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".lock");
  }

  /**
   * Takes the lock of the image at {@code target} (its real path): shared for {@code readOnly}
   * runs. If another run holds it, says so on {@code err} and waits, or with {@code noWait}
   * fails at once. A read-only run on an image in a folder it cannot write runs unlocked (no
   * writer can replace the image there either).
   */
  static @Nullable ImageLock acquire(Path target, Path shown, boolean readOnly, boolean noWait,
      PrintStream err) {
    Path file = lockFileOf(target);
    Shared s = LOCKS.computeIfAbsent(file, f -> new Shared());
    Lock l = readOnly ? s.rw.readLock() : s.rw.writeLock();
    boolean told = false;
    if (!l.tryLock()) {
      told = waitOrFail(shown, noWait, err);
      l.lock();
    }
    try {
      synchronized (s) {
        if (s.holders == 0) {
          FileChannel ch;
          try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
          } catch (AccessDeniedException e) {
            if (!readOnly) {
              throw new CliFailure(shown + ": cannot lock the image: its folder "
                  + target.getParent() + " is not writable (Permission denied)");
            }
            ch = openForSharedLock(file);
            if (ch == null) {
              l.unlock();
              return null;
            }
          }
          try {
            FileLock fl = ch.tryLock(0, Long.MAX_VALUE, readOnly);
            if (fl == null) {
              if (!told) {
                waitOrFail(shown, noWait, err);
              }
              fl = ch.lock(0, Long.MAX_VALUE, readOnly);
            }
            s.channel = ch;
            s.lock = fl;
          } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
          }
        }
        s.holders++;
      }
    } catch (IOException e) {
      l.unlock();
      throw new CliFailure(shown + ": cannot lock the image: " + hostReason(e));
    } catch (RuntimeException e) {
      l.unlock();
      throw e;
    }
    return new ImageLock(s, l);
  }

  private static @Nullable FileChannel openForSharedLock(Path file) {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean waitOrFail(Path shown, boolean noWait, PrintStream err) {
    if (noWait) {
      throw new CliFailure(shown + ": in use by another vfsim run (--no-wait given)");
    }
    err.println("vfsim: " + shown + " is in use by another vfsim run; waiting for it to finish");
    err.flush();
    return true;
  }

  /** The host's reason for an I/O failure, without Java's exception names. */
  static String hostReason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      synchronized (shared) {
        if (--shared.holders == 0) {
          try {
            if (shared.lock != null) {
              shared.lock.release();
            }
            if (shared.channel != null) {
              shared.channel.close();
            }
          } catch (IOException e) {
            // closing the channel releases the lock in any case
          }
          shared.lock = null;
          shared.channel = null;
        }
      }
    } finally {
      held.unlock();
    }
  }
}
