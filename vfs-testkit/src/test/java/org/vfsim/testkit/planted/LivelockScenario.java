package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vfsim.kernel.Task;
import org.vfsim.syscall.Fcntl;
import org.vfsim.testkit.MountedFilesystem;

/**
 * A write from an untouched anonymous mapping on a filesystem whose {@code perform_write} skips
 * the fault-in: it never returns. Not a surefire test (the name does not match on purpose);
 * {@link LivelockFailsNotHangsTest} runs it through the launcher with the build's time limits.
 */
class LivelockScenario {
  /** The writing task and its thread, so that the caller can kill the spinning write. */
  static volatile Task writer;
  static volatile Thread writerThread;
  static volatile Bug bug = Bug.SKIPS_FAULT_IN;

  @Test
  void writeFromAnUntouchedMapping() {
    MountedFilesystem fs = MountedFilesystem.mount(PlantedContracts.fut(bug));
    int fd = fs.sys().open(fs.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    long region = fs.sys().mmapAnonymous(4096);
    writer = fs.sys().task();
    writerThread = Thread.currentThread();
    // The source page is not present until something faults it in.
    assertEquals(100, fs.sys().pwrite(fd, region, 100, 0));
  }
}
