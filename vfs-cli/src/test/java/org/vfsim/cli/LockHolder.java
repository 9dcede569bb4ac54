package org.vfsim.cli;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process holding an image's lock, for tests: locks the file named by its first
 * argument (shared if the second is {@code shared}), prints {@code locked}, and holds the lock
 * until its standard input closes.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    boolean shared = args[1].equals("shared");
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        FileLock lock = ch.lock(0, Long.MAX_VALUE, shared)) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until the test closes our stdin
      }
    }
  }
}
