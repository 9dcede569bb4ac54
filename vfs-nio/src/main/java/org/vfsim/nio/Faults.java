package org.vfsim.nio;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.file.Path;
import org.vfsim.fs.Capability;
import org.vfsim.fs.Stat;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * Faults a test injects into one vfsim {@code FileSystem}: a power cut, the next writes or
 * fsyncs failing, a full device, unreadable bytes. Counted faults are consumed in program order,
 * and the one random choice (which unflushed writes a power cut keeps) comes from the config's
 * seed, so a test replays exactly.
 */
public final class Faults {
  private final VfsimFileSystem fs;

  Faults(VfsimFileSystem fs) {
    this.fs = fs;
  }

  /**
   * Cuts the power now: every write the device had not flushed is lost, and every later
   * operation on this filesystem or its channels throws {@link PowerCutException}.
   * {@link VfsimFileSystems#reboot} mounts what the device kept.
   */
  public void powerCut() {
    fs.host().cutPower(false);
  }

  /**
   * Cuts the power, keeping a random subset (seeded by the config) of the unflushed writes, as
   * a drive may have destaged part of its cache: the torn states a crash can leave.
   */
  public void powerCutKeepingRandomWrites() {
    fs.host().cutPower(true);
  }

  /**
   * The next {@code n} writes ({@code write}/{@code pwrite} of any channel) fail with
   * {@code errno} (EIO or ENOSPC, usually) and write nothing.
   */
  public void failNextWrites(int n, Errno errno) {
    checkArgument(n >= 0, "count %s", n);
    fs.host().faults().failWrites(n, checkNotNull(errno));
  }

  /**
   * The next {@code n} {@code force} calls fail with {@code errno} and write nothing back: the
   * data stays as durable as it was, as after a failed fsync on Linux.
   */
  public void failNextFsyncs(int n, Errno errno) {
    checkArgument(n >= 0, "count %s", n);
    fs.host().faults().failFsyncs(n, checkNotNull(errno));
  }

  /**
   * Reads of bytes {@code [offset, offset+length)} of {@code file} fail with EIO (an unreadable
   * sector under them), through any channel, until {@link #clear}.
   */
  public void failReads(Path file, long offset, long length) throws IOException {
    checkArgument(offset >= 0 && length > 0, "range %s+%s", offset, length);
    VfsimPath p = VfsimPath.check(file);
    checkArgument(p.getFileSystem() == fs, "%s is on another filesystem", file);
    Stat st = fs.provider().stat(p).stat();
    fs.host().faults().failReads(new FaultState.BadRange(st.dev(), st.ino(), offset,
        offset + length));
  }

  /**
   * Fills the filesystem with a file the program does not see, allocating real space (with
   * {@code fallocate} where the plugin has it, else by writing), and syncs it, until the
   * filesystem answers ENOSPC. Returns the bytes it took. {@link #releaseFill} frees them.
   */
  public long fillDevice() throws IOException {
    return fs.host().onPath("/", null, sys -> {
      int fd = sys.open(SimulatedHost.FILLER, Fcntl.O_CREAT | Fcntl.O_WRONLY, 0600);
      try {
        long size = sys.fstat(fd).size();
        if (fs.host().type().has(Capability.FALLOCATE)) {
          size = fallocateAll(sys, fd, size);
        }
        byte[] chunk = new byte[64 << 10];
        for (int len = chunk.length; len >= 512; len /= 2) {
          try {
            while (true) {
              size += sys.pwriteBytes(fd, java.util.Arrays.copyOf(chunk, len), size);
            }
          } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOSPC && e.errno() != Errno.EDQUOT) {
              throw e;
            }
          }
          try {
            sys.fsync(fd); // delayed allocation happens here; ENOSPC may show up late
          } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOSPC) {
              throw e;
            }
          }
          size = sys.fstat(fd).size();
        }
        return size;
      } finally {
        sys.close(fd);
      }
    });
  }

  private static long fallocateAll(org.vfsim.syscall.Syscalls sys, int fd, long size) {
    for (long len = 1L << 30; len >= 4096; len /= 2) {
      while (true) {
        try {
          sys.fallocate(fd, 0, size, len);
          size += len;
        } catch (ErrnoException e) {
          if (e.errno() != Errno.ENOSPC) {
            throw e;
          }
          break;
        }
      }
    }
    return size;
  }

  /** Deletes the file {@link #fillDevice} made, freeing its space. */
  public void releaseFill() throws IOException {
    fs.host().onPath("/", null, sys -> {
      try {
        sys.unlink(SimulatedHost.FILLER);
        sys.sync();
      } catch (ErrnoException e) {
        if (e.errno() != Errno.ENOENT) {
          throw e;
        }
      }
      return null;
    });
  }

  /** Removes every pending write, fsync and read fault. */
  public void clear() {
    fs.host().faults().clear();
  }

  /** How many injected write, fsync and read faults have fired. */
  public int fired() {
    return fs.host().faults().fired();
  }
}
