package org.vfsim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.vfsim.fs.Capability;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/**
 * fsync of one file makes nothing of another file durable before that file's data: a file
 * whose new blocks were made durable by someone else's fsync, without its data, shows whatever
 * those blocks held before (a deleted file's bytes) after a power cut. ext4's ordered mode and
 * XFS and btrfs all prevent it; so must every plugin that declares power-cut durability.
 */
public abstract class PowerCutIsolationContract extends ContractFixture {

  @Test
  public void anotherFilesFsyncDoesNotExposeFreedBytes() {
    assumeTrue(filesystem().type().has(Capability.POWER_CUT_DURABILITY),
        "no power-cut durability declared");
    int x = create("x");
    sys.pwriteBytes(x, pattern(16 * PAGE, 1), 0);
    sys.fsync(x);
    sys.close(x);
    sys.unlink(fs.path("x"));
    sys.sync(); // x's blocks are free, durably, and still hold x's bytes
    int y = create("y");
    byte[] ydata = pattern(16 * PAGE, 2);
    sys.pwriteBytes(y, ydata, 0); // not synced: may be lost, but not replaced
    int z = create("z");
    sys.pwriteBytes(z, pattern(PAGE, 3), 0);
    sys.fsync(z);
    fs.powerCut();
    sys = fs.sys();
    int again;
    try {
      again = sys.open(fs.path("y"), Fcntl.O_RDONLY);
    } catch (ErrnoException e) {
      return; // y's name did not survive: nothing of it to show
    }
    long size = sys.fstat(again).size();
    byte[] back = sys.preadBytes(again, (int) size, 0);
    int foreign = 0;
    int first = -1;
    for (int i = 0; i < back.length; i++) {
      if (back[i] != 0 && (i >= ydata.length || back[i] != ydata[i])) {
        foreign++;
        first = first < 0 ? i : first;
      }
    }
    assertEquals(0, foreign, "after the power cut y shows " + foreign + " bytes nobody wrote to"
        + " it (from offset " + first + "): another file's fsync made its blocks durable before"
        + " its data");
    sys.close(again);
  }
}
