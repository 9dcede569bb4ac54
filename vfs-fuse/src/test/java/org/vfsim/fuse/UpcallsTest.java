package org.vfsim.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.kernel.Mutex;
import org.vfsim.kernel.Task;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.syscall.Errno;

/** Requests as simulated tasks, errno replies, and a lock validator report as EDEADLK. */
class UpcallsTest {
  private final Machine machine =
      Machine.boot(Configuration.builder().lockdepThrows(true).build());
  private final SimulatedFs fs = new SimulatedFs(machine, "/");
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private int pid = 100;
  private final Upcalls upcalls = new Upcalls(null, () -> new int[] {pid, 0, 0}, fs,
      new PrintStream(logBytes, true, StandardCharsets.UTF_8), 0);

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPluginErrnoIsTheReplyAndEachRequestAdvancesTheClock() {
    long before = machine.clock().nanoTime();
    assertEquals(-Errno.ENOENT.number(), upcalls.call("unlink", () -> {
      fs.unlink("/missing");
      return 0;
    }));
    assertEquals(-Errno.EEXIST.number(), upcalls.call("mkdir", () -> {
      fs.mkdir("/.vfsim", 0755);
      return 0;
    }));
    assertTrue(machine.clock().nanoTime() >= before + 2_000, "1 us per request");
    assertEquals("", log());
  }

  @Test
  void eachHostProcessIsASimulatedProcess() {
    Task[] seen = new Task[3];
    upcalls.call("a", () -> {
      seen[0] = fs.task();
      return 0;
    });
    pid = 200;
    upcalls.call("b", () -> {
      seen[1] = fs.task();
      return 0;
    });
    pid = 100;
    upcalls.call("c", () -> {
      seen[2] = fs.task();
      return 0;
    });
    assertNotSame(seen[0].process(), seen[1].process());
    assertSame(seen[0], seen[2]);
  }

  @Test
  void aLockInversionFailsWithEdeadlkAndIsLoggedWithBothChains() {
    LockValidator v = machine.lockValidator();
    Mutex a = new Mutex(v, v.lockClass("test_lock_a", false));
    Mutex b = new Mutex(v, v.lockClass("test_lock_b", false));
    assertEquals(0, upcalls.call("a-then-b", () -> {
      a.lock(fs.task());
      b.lock(fs.task());
      b.unlock(fs.task());
      a.unlock(fs.task());
      return 0;
    }));
    // The inverse order: lockdep reports it before anything blocks; b is still held when the
    // request ends, which is reported too, and cleared.
    assertEquals(-Upcalls.EDEADLK, upcalls.call("b-then-a", () -> {
      b.lock(fs.task());
      a.lock(fs.task());
      return 0;
    }));
    assertTrue(log().contains("possible circular locking dependency"), log());
    assertTrue(log().contains("test_lock_a") && log().contains("test_lock_b"), log());
    assertTrue(log().contains("-> now:") && log().contains("-> earlier"), log());
    assertEquals(0, upcalls.call("after", () -> 0), "the next request runs normally");
    assertTrue(v.takeReports().size() >= 1);
  }

  @Test
  void aBugIsEioWithItsStackTraceInTheLog() {
    assertEquals(-Upcalls.EIO, upcalls.call("buggy", () -> {
      throw new IllegalStateException("planted");
    }));
    assertTrue(log().contains("internal error in buggy") && log().contains("planted"), log());
  }
}
