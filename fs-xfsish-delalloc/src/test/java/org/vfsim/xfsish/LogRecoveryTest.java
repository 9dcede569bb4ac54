package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.block.PowerCutPolicy;
import org.vfsim.fs.FsckReport;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** The write-ahead log: recovery after power cuts, torn checkpoints, wrap-around, damage. */
@ExtendWith(LockValidatorExtension.class)
class LogRecoveryTest {
  private static final int PAGE = 4096;

  private static void powerCut(XfsFixture f) {
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    f.current();
  }

  private static byte[] read(XfsFixture f, String name) {
    int fd = f.sys.open("/mnt/" + name, Fcntl.O_RDONLY);
    byte[] b = f.sys.preadBytes(fd, (int) f.sys.fstat(fd).size(), 0);
    f.sys.close(fd);
    return b;
  }

  /**
   * Random creates, writes, truncates, unlinks and fsyncs, with power cuts at random points
   * that keep a random subset of the unflushed writes: every file whose last change an fsync
   * covered reads back exactly, and fsck (trees against each other and against the extent
   * maps) is clean after every recovery.
   */
  @Test
  void powerCutsAtRandomPointsKeepWhatFsyncCovered() {
    for (long seed = 1; seed <= 6; seed++) {
      System.out.println("LogRecoveryTest seed " + seed);
      Random rnd = new Random(seed);
      XfsFixture f = new XfsFixture(32L << 20, false, "", "");
      Map<String, byte[]> durable = new HashMap<>();
      Map<String, byte[]> current = new HashMap<>();
      for (int step = 0; step < 300; step++) {
        String name = "f" + rnd.nextInt(12);
        int op = rnd.nextInt(10);
        if (op < 4) {
          int fd = f.sys.open("/mnt/" + name, Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
          byte[] old = current.getOrDefault(name, new byte[0]);
          int pos = rnd.nextInt(8 * PAGE);
          byte[] data = XfsFixture.pattern(1 + rnd.nextInt(3 * PAGE), step);
          f.sys.pwriteBytes(fd, data, pos);
          byte[] now = java.util.Arrays.copyOf(old, Math.max(old.length, pos + data.length));
          System.arraycopy(data, 0, now, pos, data.length);
          current.put(name, now);
          durable.remove(name);
          if (rnd.nextBoolean()) {
            f.sys.fsync(fd);
            durable.put(name, now);
          }
          f.sys.close(fd);
        } else if (op < 5 && current.containsKey(name)) {
          int fd = f.sys.open("/mnt/" + name, Fcntl.O_RDWR);
          int len = rnd.nextInt(current.get(name).length + 1);
          f.sys.ftruncate(fd, len);
          current.put(name, java.util.Arrays.copyOf(current.get(name), len));
          durable.remove(name);
          f.sys.close(fd);
        } else if (op < 6 && current.containsKey(name)) {
          f.sys.unlink("/mnt/" + name);
          current.remove(name);
          durable.remove(name);
        } else if (op < 7) {
          f.sys.sync();
          durable.clear();
          durable.putAll(current);
        } else if (op < 8) {
          long cutSeed = seed * 1000 + step;
          f.dev.setPowerCutPolicy(pending -> {
            Random r = new Random(cutSeed);
            Map<Object, Boolean> keep = new HashMap<>();
            return w -> keep.computeIfAbsent(w, k -> r.nextBoolean());
          });
          powerCut(f);
          f.dev.setPowerCutPolicy(PowerCutPolicy.LOSE_ALL);
          FsckReport r = f.current().fsck();
          long s = seed;
          int st = step;
          assertTrue(r.isClean(), () -> "seed " + s + " step " + st + ": " + r);
          for (Map.Entry<String, byte[]> e : durable.entrySet()) {
            assertArrayEquals(e.getValue(), read(f, e.getKey()),
                "seed " + seed + " step " + step + ": fsynced " + e.getKey());
          }
          // What survives is now the truth.
          current.clear();
          for (var d : f.sys.readdir("/mnt")) {
            if (d.name().startsWith("f")) {
              current.put(d.name(), read(f, d.name()));
            }
          }
          durable.clear();
        }
      }
      f.check();
    }
  }

  /** A checkpoint whose commit record never reached the disk is ignored; the one before holds. */
  @Test
  void aTornCheckpointReplaysUpToTheLastCompleteOne() {
    XfsFixture f = new XfsFixture(32L << 20, false, "", "");
    int a = f.create("a");
    byte[] first = XfsFixture.pattern(2 * PAGE, 1);
    f.sys.pwriteBytes(a, first, 0);
    f.sys.fsync(a);
    int b = f.create("b");
    f.sys.pwriteBytes(b, XfsFixture.pattern(PAGE, 2), 0);
    f.sys.fsync(b);
    // The second checkpoint's commit record is torn: recovery must stop before it.
    long commit = f.sb.log.logStart + Math.floorMod(f.sb.log.headPos() - 1, f.sb.log.logBlocks);
    f.dev.corrupt(commit, 100);
    powerCut(f);
    assertEquals(1, f.sys.readdir("/mnt").stream().filter(d -> d.name().equals("a")).count());
    assertEquals(0, f.sys.readdir("/mnt").stream().filter(d -> d.name().equals("b")).count(),
        "b was created in the torn checkpoint");
    assertArrayEquals(first, read(f, "a"));
    f.check();
    // The log goes on from there.
    int c = f.create("c");
    f.sys.fsync(c);
    powerCut(f);
    assertEquals(1, f.sys.readdir("/mnt").stream().filter(d -> d.name().equals("c")).count());
    f.check();
  }

  /** Many small transactions on the smallest log: it wraps many times and still recovers. */
  @Test
  void theLogWrapsAroundManyTimes() {
    XfsFixture f = new XfsFixture(8L << 20, false, "", "");
    long logBlocks = f.sb.log.logBlocks;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int fd = f.create("w" + i);
      f.sys.pwriteBytes(fd, XfsFixture.pattern(100, i), 0);
      f.sys.fsync(fd);
      f.sys.close(fd);
      names.add("w" + i);
      if (i % 3 == 0 && i > 0) {
        f.sys.unlink("/mnt/w" + (i - 1));
        names.remove("w" + (i - 1));
      }
    }
    assertTrue(f.sb.log.blocksWritten() > 4 * logBlocks, () -> f.sb.log.blocksWritten()
        + " log blocks written, log of " + logBlocks);
    powerCut(f);
    f.check();
    for (String n : names) {
      assertArrayEquals(XfsFixture.pattern(100, Integer.parseInt(n.substring(1))), read(f, n), n);
    }
  }

  /**
   * Timestamp-only changes to more inodes than one checkpoint can hold: the force splits them
   * into several checkpoints (each inode's update is a transaction of its own).
   */
  @Test
  void timestampUpdatesBeyondTheLogSplitIntoCheckpoints() {
    XfsFixture f = new XfsFixture(8L << 20, false, "", "");
    int n = 600;
    for (int i = 0; i < n; i++) {
      int fd = f.create("t" + i);
      f.sys.pwriteBytes(fd, XfsFixture.pattern(100, i), 0);
      f.sys.close(fd);
    }
    f.sys.sync();
    f.m.clock().advance(java.time.Duration.ofSeconds(5));
    long before = f.sb.log.checkpoints();
    for (int i = 0; i < n; i++) {
      int fd = f.sys.open("/mnt/t" + i, Fcntl.O_RDWR);
      f.sys.pwriteBytes(fd, XfsFixture.pattern(100, i + 1), 0);
      f.sys.close(fd);
    }
    long[] mtimes = new long[n];
    for (int i = 0; i < n; i++) {
      mtimes[i] = f.sys.stat("/mnt/t" + i).mtimeNanos();
    }
    f.sys.sync();
    assertTrue(f.sb.log.checkpoints() - before > 2, "one checkpoint could not hold them all");
    powerCut(f);
    f.check();
    for (int i = 0; i < n; i += 7) {
      assertEquals(mtimes[i], f.sys.stat("/mnt/t" + i).mtimeNanos(), "t" + i);
      assertArrayEquals(XfsFixture.pattern(100, i + 1), read(f, "t" + i));
    }
  }

  /** A metadata block with a bad CRC: fsck names it, and mount refuses with EUCLEAN naming it. */
  @Test
  void aBadCrcIsEucleanNamingTheBlockAndFsckNamesIt() {
    XfsFixture f = new XfsFixture(32L << 20, false, "", "");
    int fd = f.create("a");
    f.sys.pwriteBytes(fd, XfsFixture.pattern(PAGE, 1), 0);
    f.sys.close(fd);
    f.sys.sync();
    long agf = XfsMount.AGF;
    f.dev.corrupt(agf, 200);
    FsckReport r = f.sb.fsck();
    assertTrue(r.problems().stream().anyMatch(p -> p.contains("metadata block " + agf + " ")
        && p.contains("CRC32C")), () -> "fsck: " + r);
    f.dev.setPowerCutPolicy(PowerCutPolicy.KEEP_ALL);
    ErrnoException e = assertThrows(ErrnoException.class, () -> f.m.powerCut());
    assertEquals(Errno.EUCLEAN, e.errno());
    assertTrue(e.getMessage().contains("block " + agf + " (AGF 0) fails its CRC32C"),
        e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  /** A damaged dinode is named too (its chunk block and the inode). */
  @Test
  void aDamagedInodeIsNamedByFsck() {
    XfsFixture f = new XfsFixture(32L << 20, false, "", "");
    int fd = f.create("a");
    f.sys.close(fd);
    f.sys.sync();
    long[] loc = f.sb.inodeLocation(f.inode("a").ino());
    f.dev.corrupt(loc[0], (int) loc[1] + 30);
    FsckReport r = f.sb.fsck();
    assertTrue(r.problems().stream().anyMatch(p -> p.contains("metadata block " + loc[0])
        && p.contains("inode " + f.inode("a").ino())), () -> "fsck: " + r);
  }
}
