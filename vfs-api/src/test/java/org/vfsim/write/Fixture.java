package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.Inode;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.Task;
import org.vfsim.kernel.UserProcess;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * A booted machine with one filesystem under test mounted at {@code /mnt}: the ramfs (generic
 * write path) or pwfs (its own perform_write). Checks the section 6 invariants on demand.
 */
final class Fixture {
  static final int PAGE = 4096;

  final Machine machine;
  final SuperBlock sb;
  final UserProcess process;
  final Syscalls sys;

  private Fixture(Machine machine, String fs, String options) {
    this.machine = machine;
    this.sb = machine.mount(fs.equals("ramfs") ? new RamfsType() : new PwfsType(), null, options,
        "/mnt");
    this.process = machine.spawn("test");
    this.sys = machine.syscalls(process.mainTask());
  }

  static Fixture boot(String fs, String options) {
    return new Fixture(Machine.boot(), fs, options);
  }

  static Fixture boot(String fs, String options, Configuration config) {
    return new Fixture(Machine.boot(config), fs, options);
  }

  /** Another thread of the test process: same memory, same files, its own locks. */
  Syscalls thread(String name) {
    return machine.syscalls(process.newThread(name));
  }

  int create(String name) {
    return sys.open("/mnt/" + name, Fcntl.O_CREAT | Fcntl.O_RDWR);
  }

  Inode inode(int fd) {
    return sys.file(fd).inode();
  }

  /** Deterministic bytes for a test: {@code (seed * 31 + i) mod 251}, never the 0x6b poison run. */
  static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) ((seed * 31 + i) % 251);
    }
    return b;
  }

  /** An anonymous buffer holding {@code data}, already faulted in. */
  long userBuffer(byte[] data) {
    long addr = sys.mmapAnonymous(Math.max(PAGE, data.length));
    sys.store(addr, data);
    return addr;
  }

  /** Section 6: accounting balances (fsck) and no task of the machine still holds a lock. */
  void checkInvariants() {
    FsckReport r = sb.fsck();
    assertTrue(r.isClean(), () -> "fsck: " + r);
    for (Task t : process.tasks()) {
      assertEquals(0, t.heldLocks().depth(), () -> t + " holds " + t.heldLocks().snapshot());
    }
    assertTrue(machine.lockValidator().reports().isEmpty(),
        () -> "lockdep: " + machine.lockValidator().reports());
  }

  /** Section 6: the file reads back exactly as the model says, with no byte nobody wrote. */
  void assertContents(int fd, byte[] expected) {
    assertEquals(expected.length, sys.fstat(fd).size(), "i_size");
    byte[] back = sys.preadBytes(fd, expected.length + 1, 0);
    assertArrayEquals(expected, back, () -> "first difference at " + firstDifference(expected, back));
  }

  private static int firstDifference(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return n;
  }

  /** The model of a file after writing {@code data[0..n)} at {@code pos} over {@code old}. */
  static byte[] apply(byte[] old, long pos, byte[] data, long n) {
    byte[] out = Arrays.copyOf(old, (int) Math.max(old.length, pos + n));
    System.arraycopy(data, 0, out, (int) pos, (int) n);
    return out;
  }
}
