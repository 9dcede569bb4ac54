package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.write.Fixture.PAGE;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Configuration;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Syscalls;

/**
 * Writers on a machine whose page cache is full all call into reclaim, which acts as kswapd:
 * several of them at once must not drive that one task from several threads (its held-lock
 * stack then reported a bad unlock and a folio stayed locked forever).
 */
@ExtendWith(LockValidatorExtension.class)
class DirectReclaimTest {
  @Test
  void concurrentWritersReclaimingAFullCache() throws Exception {
    Configuration cfg = Configuration.builder().memoryBytes(64L * PAGE).dirtyRatios(5, 10).build();
    Fixture f = Fixture.boot("pwfs", "", cfg);
    int writers = 6;
    int pages = 1500;
    ExecutorService threads = Executors.newCachedThreadPool();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    int[] fds = new int[writers];
    byte[][] data = new byte[writers][];
    for (int w = 0; w < writers; w++) {
      Syscalls s = f.thread("writer" + w);
      fds[w] = f.create("f" + w);
      data[w] = Fixture.pattern(PAGE, w + 1);
      int fd = fds[w];
      byte[] d = data[w];
      done.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < pages; i++) {
          s.pwriteBytes(fd, d, (long) i * PAGE);
        }
      }, threads));
    }
    for (CompletableFuture<Void> c : done) {
      c.get(60, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertTrue(f.machine.pageCache().stats().reclaimed() > 0, "the cache was reclaimed from");
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < pages; i += 37) {
        assertArrayEquals(data[w], f.sys.preadBytes(fds[w], PAGE, (long) i * PAGE));
      }
    }
    f.checkInvariants();
  }
}
