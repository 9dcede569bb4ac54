package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.write.Fixture.PAGE;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.pagecache.Mapping;
import org.vfsim.syscall.Syscalls;

/**
 * Free-running tasks (not staged): writers on disjoint ranges of one file, a task reclaiming,
 * dropping and syncing its pages, and a reader that must never see the 0x6b poison. Catches
 * races the staged tests do not name; the per-thread seeds are printed.
 */
@ExtendWith(LockValidatorExtension.class)
class ConcurrentWritersTest {
  private static final int WRITERS = 3;
  private static final int REGION = 16 * PAGE;

  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void writersReclaimAndReaderKeepTheInvariants(String fs) throws Exception {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    f.sys.ftruncate(fd, (long) WRITERS * REGION);
    Mapping mapping = f.inode(fd).mapping();
    long seed = 77;
    System.out.println("ConcurrentWritersTest seed " + seed);
    ExecutorService threads = Executors.newCachedThreadPool();
    AtomicBoolean done = new AtomicBoolean();
    byte[][] models = new byte[WRITERS][REGION];
    List<CompletableFuture<?>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int id = w;
      Syscalls s = f.thread("writer" + w);
      byte[] data = new byte[3 * PAGE];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (1 + (id * 37 + i) % 100); // never 0, never the 0x6b poison
      }
      long buf = f.userBuffer(data);
      writers.add(CompletableFuture.runAsync(() -> {
        Random r = new Random(seed + id);
        for (int op = 0; op < 150; op++) {
          int off = r.nextInt(PAGE);
          int len = 1 + r.nextInt(Math.min(2 * PAGE, REGION - 1));
          int at = r.nextInt(REGION - len + 1);
          assertEquals(len, s.pwrite(fd, buf + off, len, (long) id * REGION + at));
          System.arraycopy(data, off, models[id], at, len);
        }
      }, threads));
    }
    Syscalls kswapdLike = f.thread("reclaimer");
    CompletableFuture<?> reclaimer = CompletableFuture.runAsync(() -> {
      Random r = new Random(seed - 1);
      while (!done.get()) {
        switch (r.nextInt(3)) {
          case 0 -> f.machine.pageCache().reclaimPage(mapping, r.nextInt(WRITERS * REGION / PAGE));
          case 1 -> f.machine.pageCache().dropCleanPages();
          default -> kswapdLike.fsync(fd);
        }
      }
    }, threads);
    Syscalls reader = f.thread("reader");
    CompletableFuture<Integer> reads = CompletableFuture.supplyAsync(() -> {
      int n = 0;
      do {
        byte[] b = reader.preadBytes(fd, WRITERS * REGION, 0);
        for (int i = 0; i < b.length; i++) {
          assertTrue(b[i] != 0x6b, "poison at " + i);
        }
        n++;
      } while (!done.get());
      return n;
    }, threads);
    for (CompletableFuture<?> w : writers) {
      w.get(60, TimeUnit.SECONDS);
    }
    done.set(true);
    reclaimer.get(60, TimeUnit.SECONDS);
    assertTrue(reads.get(60, TimeUnit.SECONDS) > 0);
    threads.shutdown();

    byte[] all = f.sys.preadBytes(fd, WRITERS * REGION, 0);
    for (int w = 0; w < WRITERS; w++) {
      byte[] region = java.util.Arrays.copyOfRange(all, w * REGION, (w + 1) * REGION);
      assertArrayEquals(models[w], region, "region of writer " + w);
    }
    f.checkInvariants();
  }
}
