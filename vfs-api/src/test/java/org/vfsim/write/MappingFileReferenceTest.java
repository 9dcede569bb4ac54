package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/**
 * A file mapping holds its file: one reference per VMA, so splits by {@code munmap} and
 * {@code mprotect} keep the count right, and the last one, dropped by {@code munmap}, runs
 * {@code ->release} and eviction in the task that unmapped, after {@code mmap_lock} is released.
 */
@ExtendWith(LockValidatorExtension.class)
class MappingFileReferenceTest {
  private static final int PAGE = Fixture.PAGE;

  /** What a release or eviction saw: the op, the task, and the locks it held. */
  record Seen(String op, String task, int locksHeld) {}

  private static List<Seen> watch(PwfsSuperBlock psb) {
    List<Seen> seen = new ArrayList<>();
    psb.inFileOp = (op, t) -> {
      if (op.equals("release") || op.equals("evict")) {
        synchronized (seen) {
          seen.add(new Seen(op, t.name(), t.heldLocks().depth()));
        }
      }
    };
    return seen;
  }

  @Test
  void lastPutByMunmapRunsInTheUnmappingTaskWithoutMmapLock() {
    Fixture f = Fixture.boot("pwfs", "");
    PwfsSuperBlock psb = (PwfsSuperBlock) f.sb;
    Syscalls worker = f.thread("worker");
    int fd = worker.open("/mnt/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    worker.pwriteBytes(fd, Fixture.pattern(2 * PAGE, 3), 0);
    long map = worker.mmap(0, 2L * PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0);
    worker.close(fd);
    worker.unlink("/mnt/f");
    List<Seen> seen = watch(psb);
    worker.munmap(map, 2L * PAGE);
    assertEquals(List.of(new Seen("release", "worker", 0), new Seen("evict", "worker", 0)), seen,
        "the last fput of munmap: by the task that unmapped, with mmap_lock released");
    assertEquals(List.of(), psb.liveFiles());
    f.checkInvariants();
  }

  @Test
  void aMunmapThatSplitsAMappingKeepsOneReferencePerPiece() {
    Fixture f = Fixture.boot("pwfs", "");
    PwfsSuperBlock psb = (PwfsSuperBlock) f.sb;
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, Fixture.pattern(3 * PAGE, 4), 0);
    long map = f.sys.mmap(0, 3L * PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0);
    f.sys.munmap(map + PAGE, PAGE);
    f.sys.close(fd);
    List<Seen> seen = watch(psb);
    f.sys.munmap(map, PAGE);
    assertEquals(List.of(), seen, "the tail still maps the file");
    assertEquals((byte) Fixture.pattern(3 * PAGE, 4)[2 * PAGE], f.sys.load(map + 2L * PAGE, 1)[0]);
    f.sys.munmap(map + 2L * PAGE, PAGE);
    assertEquals(List.of(new Seen("release", "test", 0)), seen);
    f.checkInvariants();
  }

  @Test
  void anMprotectThatSplitsAMappingKeepsOneReferencePerPiece() {
    Fixture f = Fixture.boot("pwfs", "");
    PwfsSuperBlock psb = (PwfsSuperBlock) f.sb;
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, Fixture.pattern(3 * PAGE, 5), 0);
    long map = f.sys.mmap(0, 3L * PAGE, Fcntl.PROT_READ, Fcntl.MAP_SHARED, fd, 0);
    f.sys.mprotect(map + PAGE, PAGE, Fcntl.PROT_NONE);
    f.sys.close(fd);
    List<Seen> seen = watch(psb);
    f.sys.munmap(map, 2L * PAGE);
    assertEquals(List.of(), seen, "the third piece still maps the file");
    f.sys.munmap(map + 2L * PAGE, PAGE);
    assertEquals(List.of(new Seen("release", "test", 0)), seen);
    f.checkInvariants();
  }
}
