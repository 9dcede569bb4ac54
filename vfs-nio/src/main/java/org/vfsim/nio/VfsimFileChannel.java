package org.vfsim.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.vfsim.fs.Stat;
import org.vfsim.syscall.Errno;

/**
 * An open file descriptor of the program's process as a {@link FileChannel}: reads are
 * {@code pread}, writes {@code pwrite} (or {@code write} with {@code O_APPEND}), {@code force}
 * is {@code fsync} or {@code fdatasync}, {@code truncate} is {@code ftruncate}. The position is
 * the channel's own, as the JDK keeps it for positional I/O.
 */
final class VfsimFileChannel extends FileChannel {
  /** The most one system call copies, as the JDK bounds a direct-buffer transfer. */
  private static final int MAX_IO = 1 << 20;

  private final VfsimFileSystem fs;
  private final SimulatedHost host;
  private final String path;
  private final int fd;
  private final boolean readable;
  private final boolean writable;
  private final boolean append;
  private final Runnable onClose;
  private final long dev;
  private final long ino;
  private long position;
  private boolean detached;

  VfsimFileChannel(VfsimFileSystem fs, String path, int fd, Stat st, boolean readable,
      boolean writable, boolean append, Runnable onClose) {
    this.fs = fs;
    this.host = fs.host();
    this.path = path;
    this.fd = fd;
    this.readable = readable;
    this.writable = writable;
    this.append = append;
    this.onClose = onClose;
    this.dev = st.dev();
    this.ino = st.ino();
  }

  /** Hands the descriptor to a closing filesystem, which closes it. */
  synchronized int detach() {
    detached = true;
    return fd;
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    synchronized (this) {
      if (detached) {
        throw new ClosedChannelException(); // the filesystem was closed
      }
    }
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    int n = readAt(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!dsts[i].hasRemaining()) {
        continue;
      }
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("Negative position");
    }
    return readAt(dst, at);
  }

  private int readAt(ByteBuffer dst, long at) throws IOException {
    ensureOpen();
    if (!readable) {
      throw new NonReadableChannelException();
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int want = Math.min(dst.remaining(), MAX_IO);
    byte[] got = host.onChannel(path, sys -> {
      if (host.faults().readFails(dev, ino, at, at + want)) {
        throw Errnos.forChannel(Errno.EIO);
      }
      return sys.preadBytes(fd, want, at);
    });
    if (got.length == 0) {
      return -1;
    }
    dst.put(got);
    return got.length;
  }

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    ensureOpen();
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (append) {
      byte[] data = take(src);
      long[] end = new long[1];
      int n = host.onChannel(path, sys -> {
        injectWriteFault();
        int w = (int) sys.writeBytes(fd, data);
        end[0] = sys.fstat(fd).size();
        return w;
      });
      src.position(src.position() - data.length + n);
      position = end[0];
      return n;
    }
    int n = writeAt(src, position);
    position += n;
    return n;
  }

  @Override
  public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      while (srcs[i].hasRemaining()) {
        total += write(srcs[i]);
      }
    }
    return total;
  }

  @Override
  public int write(ByteBuffer src, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("Negative position");
    }
    ensureOpen();
    if (!writable) {
      throw new NonWritableChannelException();
    }
    return writeAt(src, at);
  }

  private int writeAt(ByteBuffer src, long at) throws IOException {
    ensureOpen();
    byte[] data = take(src);
    int n = host.onChannel(path, sys -> {
      injectWriteFault();
      return (int) sys.pwriteBytes(fd, data, at);
    });
    src.position(src.position() - data.length + n);
    return n;
  }

  private void injectWriteFault() throws IOException {
    Errno e = host.faults().nextWrite();
    if (e != null) {
      throw Errnos.forChannel(e);
    }
  }

  private static byte[] take(ByteBuffer src) {
    byte[] data = new byte[Math.min(src.remaining(), MAX_IO)];
    src.get(data);
    return data;
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized FileChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("Negative position");
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return host.onChannel(path, sys -> sys.fstat(fd).size());
  }

  @Override
  public synchronized FileChannel truncate(long size) throws IOException {
    ensureOpen();
    if (size < 0) {
      throw new IllegalArgumentException("Negative size");
    }
    if (!writable) {
      throw new NonWritableChannelException();
    }
    host.onChannel(path, sys -> {
      if (size < sys.fstat(fd).size()) {
        sys.ftruncate(fd, size);
      }
      return null;
    });
    if (position > size) {
      position = size;
    }
    return this;
  }

  /** {@code fsync(2)} with {@code metaData}, else {@code fdatasync(2)}. */
  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen();
    host.onChannel(path, sys -> {
      Errno e = host.faults().nextFsync();
      if (e != null) {
        throw Errnos.forChannel(e);
      }
      if (metaData) {
        sys.fsync(fd);
      } else {
        sys.fdatasync(fd);
      }
      return null;
    });
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
    ensureOpen();
    long done = 0;
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 1), 64 << 10));
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = read(buf, at + done);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        target.write(buf);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
    ensureOpen();
    long done = 0;
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 1), 64 << 10));
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = src.read(buf);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        done += write(buf, at + done);
      }
    }
    return done;
  }

  /**
   * Not supported: a {@link MappedByteBuffer} cannot be made outside the JDK, so the simulated
   * {@code mmap} cannot back one.
   */
  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) {
    throw new UnsupportedOperationException("FileChannel.map: no MappedByteBuffer over vfsim");
  }

  /**
   * Advisory locks are granted and never conflict: the program is the machine's only process.
   */
  @Override
  public FileLock lock(long at, long size, boolean shared) throws IOException {
    ensureOpen();
    if (shared && !readable) {
      throw new NonReadableChannelException();
    }
    if (!shared && !writable) {
      throw new NonWritableChannelException();
    }
    return new Lock(this, at, size, shared);
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) throws IOException {
    return lock(at, size, shared);
  }

  private static final class Lock extends FileLock {
    private boolean valid = true;

    Lock(FileChannel ch, long at, long size, boolean shared) {
      super(ch, at, size, shared);
    }

    @Override
    public synchronized boolean isValid() {
      return valid && channel().isOpen();
    }

    @Override
    public synchronized void release() throws IOException {
      if (!channel().isOpen()) {
        throw new ClosedChannelException();
      }
      valid = false;
    }
  }

  @Override
  protected void implCloseChannel() throws IOException {
    fs.closed(this);
    synchronized (this) {
      if (detached) {
        return;
      }
      detached = true;
    }
    if (host.stopped()) {
      return; // the process died with its machine; there is nothing left to close
    }
    host.onChannel(path, sys -> {
      sys.close(fd);
      return null;
    });
    onClose.run();
  }

  @Override
  public String toString() {
    return "VfsimFileChannel(" + path + ", fd " + fd + ")";
  }
}
